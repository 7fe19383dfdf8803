import ConsensusService
import Foundation
import RPC
import Testing

/// The consensus role with real processes: `node serve --role consensus` and `node agent`s.
@Suite(.timeLimit(.minutes(3)))
struct ConsensusEndToEndTests {
    func runAgents(_ count: Int, address: String, pool: String? = nil, prefix: String = "a") throws -> [NodeProcess] {
        try (0..<count).map { index in
            var arguments = ["agent", address, "--id", "\(prefix)\(index)", "--seed", "\(index)", "--patience", "60s"]
            if let pool { arguments += ["--pool", pool] }
            arguments += ["--strategy", ["random", "stubborn", "follow-majority"][index % 3]]
            return try NodeProcess(arguments)
        }
    }

    func decisions(_ agents: [NodeProcess]) async throws -> [String] {
        var lines: [String] = []
        for agent in agents {
            let status = try await agent.waitForExit(timeout: .seconds(90))
            #expect(status == 0, "agent failed: \(agent.stderr)")
            lines.append(agent.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return lines
    }

    @Test(arguments: [3, 9])
    func agentsDecide(count: Int) async throws {
        let (server, address) = try await NodeProcess.serve(role: "consensus")
        let client = RPCClient(transport: PooledSocketTransport(address: try SocketAddress(parsing: address)))
        _ = try await client.call(ConsensusService.createPool, CreatePoolRequest(poolId: "p\(count)", size: Int32(count)))
        let lines = try await decisions(try runAgents(count, address: address, pool: "p\(count)"))
        #expect(Set(lines).count == 1, "\(lines)")
        #expect(lines[0].hasPrefix("pool=p\(count) round="))
        #expect(lines[0].contains("winner="))
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    /// Agents may start before the server: they retry with backoff and still decide.
    @Test func agentsStartedBeforeTheServerStillDecide() async throws {
        let port = try FreePorts.pick(1, host: "127.0.0.1")[0]
        let address = "127.0.0.1:\(port)"
        let agents = try runAgents(3, address: address)
        try await Task.sleep(for: .milliseconds(700))
        let server = try NodeProcess(["serve", "--role", "consensus", "--listen", address])
        _ = try await server.waitForLine(prefix: "listening on ")
        let lines = try await decisions(agents)
        #expect(Set(lines).count == 1, "\(lines)")
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    /// kill -9 the server mid-pool, restart it on the same data dir: agents finish and history is intact.
    @Test func killNineMidPoolThenRestart() async throws {
        let directory = NSTemporaryDirectory() + "consensus-e2e-\(UUID().uuidString)"
        let port = try FreePorts.pick(1, host: "127.0.0.1")[0]
        let address = "127.0.0.1:\(port)"
        let serveArguments = ["serve", "--role", "consensus", "--listen", address, "--data-dir", directory]
        let first = try NodeProcess(serveArguments)
        _ = try await first.waitForLine(prefix: "listening on ")
        let client = RPCClient(transport: PooledSocketTransport(address: try SocketAddress(parsing: address)))
        _ = try await client.call(ConsensusService.createPool, CreatePoolRequest(poolId: "k", size: 3))
        let early = try runAgents(2, address: address, pool: "k", prefix: "early")
        var before = PoolMessage()
        for _ in 0..<200 {
            before = try await client.call(ConsensusService.getPool, GetPoolRequest(poolId: "k"))
            if before.members.count == 2 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(before.members.count == 2)
        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        try await Task.sleep(for: .milliseconds(300))
        let second = try NodeProcess(serveArguments)
        _ = try await second.waitForLine(prefix: "listening on ")
        let recovered = try await client.call(ConsensusService.getPool, GetPoolRequest(poolId: "k"))
        #expect(recovered.members == before.members)
        #expect(recovered.etag == before.etag, "etag reset after restart")
        let late = try runAgents(1, address: address, pool: "k", prefix: "late")
        let lines = try await decisions(early + late)
        #expect(Set(lines).count == 1, "\(lines)")
        let final = try await client.call(ConsensusService.getPool, GetPoolRequest(poolId: "k"))
        #expect(final.state == .success)
        #expect(Set(final.members) == ["early0", "early1", "late0"])
        #expect(final.history.last?.winner == final.winner)
        second.signal(SIGTERM)
        _ = try await second.waitForExit()
    }

    /// 200 pools that never fill expire and are removed: the node's state stays bounded.
    @Test func expiredPoolsAreRemoved() async throws {
        let (server, address) = try await NodeProcess.serve(role: "consensus")
        let client = RPCClient(transport: PooledSocketTransport(address: try SocketAddress(parsing: address), maxConnections: 8))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    _ = try await client.call(ConsensusService.createPool, CreatePoolRequest(poolId: "x\(index)", size: 3, ttlSeconds: 1))
                    _ = try await client.call(ConsensusService.joinPool, JoinPoolRequest(memberId: "m", poolId: "x\(index)"))
                }
            }
            try await group.waitForAll()
        }
        #expect(try await client.call(ConsensusService.listPools, ListPoolsRequest(pageSize: 1000)).pools.count == 200)
        var remaining = 200
        for _ in 0..<40 where remaining > 0 {
            try await Task.sleep(for: .milliseconds(250))
            remaining = try await client.call(ConsensusService.listPools, ListPoolsRequest(pageSize: 1000)).pools.count
        }
        #expect(remaining == 0)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }
}
