import Foundation
import RPC

/// Checks that each replica `node cluster` started is the one answering on its port.
///
/// A port picked as free can be taken by another process before the replica binds it; that
/// replica then exits, and whoever took the port may even answer health checks. Guarantees:
/// `replicasAnswer` is true only when every replica answered Health/Check with its own id, and
/// returns within `timeout`.
enum ClusterStartup {
    static func replicasAnswer(ids: [String], host: String, ports: [Int], children: [Process],
                               timeout: Duration = .seconds(15)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        for ((id, port), child) in zip(zip(ids, ports), children) {
            guard let address = try? SocketAddress(parsing: "\(host):\(port)") else { return false }
            let client = RPCClient(transport: PooledSocketTransport(address: address, maxConnections: 1))
            while true {
                guard child.isRunning, ContinuousClock.now < deadline else { return false }
                if let health = try? await client.call(NodeV1.Health.check, NodeV1.CheckRequest(), options: CallOptions(timeout: .milliseconds(500))) {
                    if health.nodeId != id { return false }
                    if health.status == .serving { break }
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        return true
    }
}
