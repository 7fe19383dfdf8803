import ConsensusService
import Foundation
import RPC
import Testing
import ReplicaMath
import TestSupport

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
        _ = try await client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "p\(count)", size: Int32(count)))
        let lines = try await decisions(try runAgents(count, address: address, pool: "p\(count)"))
        #expect(Set(lines).count == 1, "\(lines)")
        #expect(lines[0].hasPrefix("pool=p\(count) round="))
        #expect(lines[0].contains("winner="))
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    /// Agents may start before the server: they retry with backoff and still decide.
    @Test func agentsStartedBeforeTheServerStillDecide() async throws {
        // Held until the server starts: a port merely picked could go to another test's node
        // meanwhile (seen under load: these agents then joined a pool of that test's cluster).
        let reservation = try PortReservation()
        let address = "127.0.0.1:\(reservation.port)"
        let agents = try runAgents(3, address: address)
        try await Task.sleep(for: .milliseconds(700))
        reservation.release()
        let server = try NodeProcess(["serve", "--role", "consensus", "--listen", address])
        _ = try await server.waitForLine(prefix: "listening on ")
        let lines = try await decisions(agents)
        #expect(Set(lines).count == 1, "\(lines)")
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    /// kill -9 the server mid-round (2 of 3 votes in), restart it on the same data dir: the
    /// votes, etag and tokens survive, the agents reconnect, and the pool decides.
    @Test func killNineMidRoundThenRestart() async throws {
        let directory = ScratchDirectory.path("consensus-e2e")
        let port = try FreePorts.pick(1, host: "127.0.0.1")[0]
        let address = "127.0.0.1:\(port)"
        let serveArguments = ["serve", "--role", "consensus", "--listen", address, "--data-dir", directory]
        let first = try NodeProcess(serveArguments)
        _ = try await first.waitForLine(prefix: "listening on ")
        let client = RPCClient(transport: PooledSocketTransport(address: try SocketAddress(parsing: address)))
        _ = try await client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "k", size: 3))
        let me = try await client.call(ConsensusV1.Consensus.joinPool, ConsensusV1.JoinPoolRequest(memberId: "tester", poolId: "k"))
        // Two stubborn agents whose (seeded) values differ, so round 1 cannot finish without us.
        func stubbornValue(_ seed: UInt64) -> Int64 {
            var generator = SeededGenerator(seed: seed)
            return Int64.random(in: 1...10, using: &generator)
        }
        let seeds = (0..<50).map(UInt64.init)
        let seedA = seeds[0]
        let seedB = try #require(seeds.first { stubbornValue($0) != stubbornValue(seedA) })
        let agents = try [seedA, seedB].enumerated().map { index, seed in
            try NodeProcess(["agent", address, "--pool", "k", "--id", "stubborn\(index)", "--strategy", "stubborn",
                             "--seed", "\(seed)", "--patience", "60s"])
        }
        var before = ConsensusV1.Pool()
        for _ in 0..<500 {
            before = try await client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "k"))
            if before.votesThisRound.count == 2 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(before.votesThisRound.count == 2 && before.state == .waiting && before.round == 1)
        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        try await Task.sleep(for: .milliseconds(300))
        let second = try NodeProcess(serveArguments)
        _ = try await second.waitForLine(prefix: "listening on ")
        let recovered = try await client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "k"))
        #expect(recovered.etag == before.etag, "etag reset after restart")
        #expect(recovered.votesThisRound == before.votesThisRound)
        let decided = try await client.call(ConsensusV1.Consensus.vote, ConsensusV1.VoteRequest(
            poolId: "k", memberId: "tester", memberToken: me.memberToken, round: 1, value: stubbornValue(seedA), etag: recovered.etag))
        #expect(decided.pool?.state == .success && decided.pool?.winner == stubbornValue(seedA))
        let lines = try await decisions(agents)
        #expect(Set(lines) == ["pool=k round=1 winner=\(stubbornValue(seedA))"], "\(lines)")
        let final = try await client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "k"))
        #expect(final.history.count == 1 && final.history[0].votes.count == 3)
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
                    _ = try await client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "x\(index)", size: 3, ttlSeconds: 1))
                }
            }
            try await group.waitForAll()
        }
        // Every create above succeeded (it would have thrown); some pools may already have expired.
        var remaining = try await client.call(ConsensusV1.Consensus.listPools, ConsensusV1.ListPoolsRequest(pageSize: 1000)).pools.count
        #expect(remaining <= 200)
        for _ in 0..<120 where remaining > 0 {
            try await Task.sleep(for: .milliseconds(250))
            remaining = try await client.call(ConsensusV1.Consensus.listPools, ConsensusV1.ListPoolsRequest(pageSize: 1000)).pools.count
        }
        #expect(remaining == 0)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }
}
