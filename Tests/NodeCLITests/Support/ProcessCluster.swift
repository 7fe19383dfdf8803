import BulletinService
import LogReplica
import Foundation
import RPC
import TestSupport

/// Three real `node serve` processes of one role on free ports, each with a data directory,
/// and clients to each (also ones with the cluster token, for peer-only services).
final class ProcessCluster: @unchecked Sendable {
    // @unchecked: `nodes` is only replaced by the test that owns the cluster, between phases of
    // the test, never concurrently with the load tasks (which use `clients`, a `let`).
    let role: String
    let extra: [String]
    let directory = ScratchDirectory.path("cluster-e2e")
    let ids = ["n1", "n2", "n3"]
    let ports: [Int]
    let clients: [RPCClient]
    /// Clients sending the cluster token (for the peer-only `Replica` service).
    let peerClients: [RPCClient]
    var nodes: [NodeProcess?] = []

    init(role: String, extra: [String] = []) async throws {
        self.role = role
        self.extra = extra
        ports = try FreePorts.pick(3, host: "127.0.0.1")
        let addresses = try ports.map { try SocketAddress(parsing: "127.0.0.1:\($0)") }
        clients = addresses.map { RPCClient(transport: PooledSocketTransport(address: $0, maxConnections: 16)) }
        peerClients = addresses.map {
            RPCClient(transport: HeaderTransport(PooledSocketTransport(address: $0, maxConnections: 2), headers: ["authorization": "Bearer secret"]))
        }
        for index in 0..<3 { nodes.append(try NodeProcess(arguments(index))) }
        for node in nodes { _ = try await node?.waitForLine(prefix: "listening on ") }
    }

    func arguments(_ index: Int) -> [String] {
        let peers = zip(ids, ports).map { "\($0)=127.0.0.1:\($1)" }.joined(separator: ",")
        return ["serve", "--role", role, "--id", ids[index], "--listen", "127.0.0.1:\(ports[index])",
                "--peers", peers, "--data-dir", "\(directory)/\(ids[index])", "--cluster-token", "secret",
                "--peer-timeout", "1s", "--log-level", "info"] + extra
    }

    var addresses: [String] { ports.map { "127.0.0.1:\($0)" } }

    func kill(_ index: Int) {
        nodes[index]?.signal(SIGKILL)
        nodes[index] = nil
    }

    func signal(_ index: Int, _ number: Int32) { nodes[index]?.signal(number) }

    func restart(_ index: Int) async throws {
        let node = try NodeProcess(arguments(index))
        _ = try await node.waitForLine(prefix: "listening on ")
        nodes[index] = node
    }

    /// The index of the replicated log's leader, once one is known.
    func leader(timeout: Duration = .seconds(20)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for index in 0..<3 where nodes[index] != nil {
                if let status = try? await peerClients[index].call(LogV1.Replica.status, LogV1.StatusRequest()), status.role == "leader" {
                    return index
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessError("no leader elected")
    }

    /// A bulletin cluster in `mode`.
    static func board(mode: String) async throws -> ProcessCluster {
        try await ProcessCluster(role: "bulletin", extra: ["--mode", mode, "--anti-entropy-interval", "500ms"])
    }

    /// Every article id a replica lists, page by page.
    func articleIDs(at index: Int) async throws -> [Int64] {
        var ids: [Int64] = []
        var token = ""
        repeat {
            let page = try await clients[index].call(BulletinV1.Bulletin.list, BulletinV1.ListRequest(pageSize: 1000, pageToken: token),
                                                     options: CallOptions(timeout: .seconds(10)))
            ids += page.articles.map(\.id)
            token = page.nextPageToken
        } while !token.isEmpty
        return ids
    }

    func stop() async {
        for node in nodes.compactMap({ $0 }) {
            node.signal(SIGTERM)
            _ = try? await node.waitForExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
