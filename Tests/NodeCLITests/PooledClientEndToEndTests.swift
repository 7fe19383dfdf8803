import Foundation
import RPC
import Synchronization
import Testing

/// The pooled socket client against a real `node serve` that is killed mid-stream of calls and restarted.
@Suite(.timeLimit(.minutes(2)))
struct PooledClientEndToEndTests {
    final class Counts: Sendable {
        let ok = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
    }

    @Test func callsRecoverAfterKillAndRestart() async throws {
        let (first, address) = try await NodeProcess.serve()
        let port = address.split(separator: ":").last.map(String.init) ?? "0"
        let client = RPCClient(transport: PooledSocketTransport(address: try SocketAddress(parsing: address), maxConnections: 4))
        let counts = Counts()
        let load = Task {
            while !Task.isCancelled {
                do {
                    _ = try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "x"), options: CallOptions(timeout: .seconds(1)))
                    counts.ok.add(1, ordering: .relaxed)
                } catch {
                    let code = (error as? ConnectError)?.code
                    if Task.isCancelled { break }
                    #expect(code == .unavailable || code == .deadlineExceeded, "\(error)")
                    counts.failed.add(1, ordering: .relaxed)
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
        }
        for _ in 0..<250 where counts.ok.load(ordering: .relaxed) < 20 { try await Task.sleep(for: .milliseconds(20)) }
        let beforeKill = counts.ok.load(ordering: .relaxed)
        #expect(beforeKill > 0)
        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        try await Task.sleep(for: .milliseconds(200))
        #expect(counts.failed.load(ordering: .relaxed) > 0)
        let second = try NodeProcess(["serve", "--role", "consensus", "--listen", "127.0.0.1:\(port)"])
        _ = try await second.waitForLine(prefix: "listening on ")
        let afterRestart = counts.ok.load(ordering: .relaxed)
        for _ in 0..<250 where counts.ok.load(ordering: .relaxed) <= afterRestart + 10 { try await Task.sleep(for: .milliseconds(20)) }
        load.cancel()
        _ = await load.result
        #expect(counts.ok.load(ordering: .relaxed) > afterRestart + 10, "calls did not recover")
        second.signal(SIGTERM)
        _ = try await second.waitForExit()
    }
}
