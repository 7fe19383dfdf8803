import Foundation
import RegisterService
import RPC
import Testing
import TestSupport

/// The fault-injection report's reproduction: a replica whose log was damaged in the middle must
/// not answer with what is left (it used to truncate everything after the bad record and answer
/// the old value of `x`), but rebuild from a majority of its peers first.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RegisterDamageEndToEndTests {
    @Test func aReplicaWithADamagedLogRebuildsBeforeAnswering() async throws {
        let directory = ScratchDirectory.path("register-damage")
        let ports = try FreePorts.pick(3, host: "127.0.0.1")
        let ids = ["n1", "n2", "n3"]
        let peers = zip(ids, ports).map { "\($0)=127.0.0.1:\($1)" }.joined(separator: ",")
        func arguments(_ index: Int) -> [String] {
            ["serve", "--role", "register", "--id", ids[index], "--listen", "127.0.0.1:\(ports[index])", "--peers", peers,
             "--data-dir", "\(directory)/\(ids[index])", "--cluster-token", "secret", "--peer-timeout", "300ms", "--log-level", "info"]
        }
        var nodes = try (0..<3).map { try NodeProcess(arguments($0)) }
        for node in nodes { _ = try await node.waitForLine(prefix: "listening on ") }
        let clients = try ports.map { RPCClient(transport: PooledSocketTransport(address: try SocketAddress(parsing: "127.0.0.1:\($0)"))) }
        let quick = CallOptions(timeout: .seconds(2))

        nodes[2].signal(SIGKILL)
        _ = try await nodes[2].waitForExit()
        _ = try await clients[0].call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "x", value: "old"))
        for index in 0..<300 { _ = try await clients[0].call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k\(index)", value: "v\(index)")) }
        _ = try await clients[0].call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "x", value: "new"))
        nodes[1].signal(SIGKILL)
        _ = try await nodes[1].waitForExit()

        // One flipped byte in the middle of n2's log (intact batches follow it).
        let segment = "\(directory)/n2/register/wal-0000000000000001.log"
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: segment)))
        let written = (bytes.lastIndex { $0 != 0 } ?? 0) + 1
        bytes[written / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: segment))

        nodes[0].signal(SIGSTOP)
        nodes[2] = try NodeProcess(arguments(2))
        nodes[1] = try NodeProcess(arguments(1))
        for index in [1, 2] { _ = try await nodes[index].waitForLine(prefix: "listening on ") }

        // n2 knows its log is damaged: it refuses to answer (it cannot rebuild while n1 is paused),
        // and says why in its health check. It must never answer "old".
        #expect(await nodes[1].waitForStderr(containing: "the write-ahead log is damaged"))
        let refused = await Self.code(of: { try await clients[1].call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "x"), options: CallOptions(timeout: .seconds(60))) })
        #expect(refused == .unavailable)
        let health = try await clients[1].call(NodeV1.Health.check, NodeV1.CheckRequest())
        #expect(health.status == .notServing)
        #expect(health.reason.contains("rebuilding damaged storage"))

        // With n1 back, n2 rebuilds from n1 and n3 and answers the acknowledged value.
        nodes[0].signal(SIGCONT)
        var value: String?
        for _ in 0..<100 where value == nil {
            value = try? await clients[1].call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "x"), options: quick).value
            if value == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(value == "new")
        #expect(try await clients[1].call(NodeV1.Health.check, NodeV1.CheckRequest()).status == .serving)
        for index in stride(from: 0, to: 300, by: 37) {
            #expect(try await clients[1].call(RegisterV1.Register.readLocal, RegisterV1.ReadRequest(key: "k\(index)")).value == "v\(index)")
        }
        #expect(await nodes[1].waitForStderr(containing: "rebuilt damaged storage from peers"))

        // Restarted once more, n2 starts clean: the rebuild cleared the damage.
        nodes[1].signal(SIGTERM)
        _ = try await nodes[1].waitForExit()
        nodes[1] = try NodeProcess(arguments(1))
        _ = try await nodes[1].waitForLine(prefix: "listening on ")
        #expect(try await clients[1].call(RegisterV1.Register.readLocal, RegisterV1.ReadRequest(key: "x")).value == "new")
        #expect(!nodes[1].stderr.contains("damaged"))
        for node in nodes { node.signal(SIGTERM) }
        for node in nodes { _ = try await node.waitForExit() }
    }

    /// The Connect code a call failed with, or nil if it succeeded.
    static func code<T>(of call: () async throws -> T) async -> ConnectCode? {
        do {
            _ = try await call()
            return nil
        } catch {
            return (error as? ConnectError)?.code ?? .unknown
        }
    }
}
