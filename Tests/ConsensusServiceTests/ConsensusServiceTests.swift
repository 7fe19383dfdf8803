import ConsensusCore
import Foundation
import LogReplica
import RPC
import Storage
import Synchronization
import Testing
import TestSupport
@testable import ConsensusService

/// A clock tests move by hand (milliseconds).
final class TestClock: Sendable {
    let now = Atomic<Int64>(1_000_000)
    func advance(seconds: Int64) { now.add(seconds * 1000, ordering: .relaxed) }
    var function: @Sendable () -> Int64 { { self.now.load(ordering: .relaxed) } }
}

/// A single-replica consensus node (its log running) served through an in-memory network, with a client.
final class Harness: Sendable {
    let node: ConsensusNode
    let network: InMemoryNetwork
    let client: RPCClient
    let runner: Task<Void, Never>

    init(log: WriteAheadLog? = nil, recovery: WriteAheadLog.Recovery? = nil, clock: TestClock = TestClock(), limits: PoolBook.Limits = .init()) throws {
        let node = try ConsensusNode(log: log, recovery: recovery, limits: limits, options: .init(tickInterval: .milliseconds(5)),
                                     clock: clock.function)
        self.node = node
        network = InMemoryNetwork(seed: 1)
        var router = RPCRouter()
        router.register(ConsensusService(node: node))
        network.attach("server", responder: ConnectResponder(router: router, metrics: MetricsRegistry()))
        client = RPCClient(transport: network.transport(from: "client", to: "server"))
        runner = Task { await node.run() }
    }

    /// Stops the node's loops (before its log is closed and reopened by another).
    func stop() async {
        runner.cancel()
        _ = await runner.value
    }

    deinit { runner.cancel() }

    func join(_ member: String, pool: String? = nil) async throws -> ConsensusV1.JoinPoolResponse {
        try await client.call(ConsensusV1.Consensus.joinPool, ConsensusV1.JoinPoolRequest(memberId: member, poolId: pool ?? ""))
    }

    func code(_ body: () async throws -> Void) async -> ConnectCode? {
        do { try await body(); return nil } catch { return (error as? ConnectError)?.code }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ConsensusServiceTests {
    @Test func aPoolOfThreeDecides() async throws {
        let harness = try Harness()
        _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "p", size: 3))
        var tokens: [String: String] = [:]
        for member in ["a", "b", "c"] { tokens[member] = try await harness.join(member, pool: "p").memberToken }
        var pool = try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "p"))
        #expect(pool.state == .waiting && pool.round == 1)
        for member in ["a", "b"] {
            let response = try await harness.client.call(ConsensusV1.Consensus.vote, ConsensusV1.VoteRequest(
                poolId: "p", memberId: member, memberToken: tokens[member] ?? "", round: pool.round, value: 4, etag: pool.etag))
            #expect(response.accepted)
            pool = try #require(response.pool)
        }
        #expect(pool.state == .success && pool.winner == 4 && pool.closed)
    }

    /// Concurrent votes on the same etag: exactly one wins, the others get the current pool back.
    @Test func theETagCheckAndTheUpdateAreOneStep() async throws {
        let harness = try Harness()
        _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "p", size: 5))
        var tokens: [String: String] = [:]
        for member in ["a", "b", "c", "d", "e"] { tokens[member] = try await harness.join(member, pool: "p").memberToken }
        let pool = try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "p"))
        let memberTokens = tokens
        let outcomes = await withTaskGroup(of: Result<String, ConnectError>.self) { group in
            for member in ["a", "b", "c", "d", "e"] {
                group.addTask {
                    do {
                        let response = try await harness.client.call(ConsensusV1.Consensus.vote, ConsensusV1.VoteRequest(
                            poolId: "p", memberId: member, memberToken: memberTokens[member] ?? "", round: 1, value: 1, etag: pool.etag))
                        return .success(response.pool?.etag ?? "")
                    } catch {
                        return .failure((error as? ConnectError) ?? ConnectError(.unknown, "\(error)"))
                    }
                }
            }
            var all: [Result<String, ConnectError>] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let winners = outcomes.filter { if case .success = $0 { true } else { false } }
        #expect(winners.count == 1)
        for case .failure(let error) in outcomes {
            #expect(error.code == .failedPrecondition)
            #expect(error.metadata["etag"] == "\"v7\"")
            let detail = try #require(error.details.first)
            #expect(detail.type == "consensus.v1.Pool")
            // As Connect carries details: the binary message in `value`, its JSON in `debug`.
            let binary = try #require(ConnectError.binaryValue(of: detail))
            let current = try ProtoJSONCodec.decode(ConsensusV1.Pool.self, from: ProtoBinaryReader.json(from: binary, schema: ConsensusV1.Pool.schema))
            #expect(try ProtoJSONCodec.decode(ConsensusV1.Pool.self, from: Array(try #require(detail.debug).utf8)) == current)
            #expect(current.etag == "\"v7\"")
            #expect(current.votesThisRound.count == 1)
        }
    }

    @Test func badInputGetsClearErrors() async throws {
        let harness = try Harness()
        _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "p", size: 2))
        let a = try await harness.join("a", pool: "p")
        _ = try await harness.join("b", pool: "p")
        let etag = try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "p")).etag
        func vote(_ request: ConsensusV1.VoteRequest) async -> ConnectCode? {
            await harness.code { _ = try await harness.client.call(ConsensusV1.Consensus.vote, request) }
        }
        #expect(await vote(ConsensusV1.VoteRequest(poolId: "nope", memberId: "a", memberToken: a.memberToken, round: 1, value: 1, etag: etag)) == .notFound)
        #expect(await vote(ConsensusV1.VoteRequest(poolId: "p", memberId: "a", memberToken: "wrong-token-xxxxxxxx", round: 1, value: 1, etag: etag)) == .unauthenticated)
        #expect(await vote(ConsensusV1.VoteRequest(poolId: "p", memberId: "zed", memberToken: a.memberToken, round: 1, value: 1, etag: etag)) == .permissionDenied)
        #expect(await vote(ConsensusV1.VoteRequest(poolId: "p", memberId: "a", memberToken: a.memberToken, round: 1, value: 1, etag: "garbage")) == .invalidArgument)
        #expect(await vote(ConsensusV1.VoteRequest(poolId: "p", memberId: "a", memberToken: a.memberToken, round: 1, value: 99, etag: etag)) == .invalidArgument)
        #expect(await harness.code { _ = try await harness.join("a", pool: "p") } == .alreadyExists)
        #expect(await harness.code { _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(size: 1)) } == .invalidArgument)
        #expect(await harness.code { _ = try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "none")) } == .notFound)
        // Missing required fields, as raw JSON.
        let raw = harness.network.transport(from: "c", to: "server")
        do {
            _ = try await raw.unary(path: ConsensusV1.Consensus.vote.path, body: Array(#"{"poolId":"p","memberId":"a"}"#.utf8), options: CallOptions())
            Issue.record("missing etag accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("etag"))
        }
    }

    @Test func watchStreamsEveryChangeUntilDecided() async throws {
        let harness = try Harness()
        _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "w", size: 2))
        let stream = harness.client.stream(ConsensusV1.Consensus.watchPool, ConsensusV1.WatchPoolRequest(poolId: "w"))
        var iterator = stream.makeAsyncIterator()
        // The first message is the pool as it is now: the watch is registered from then on.
        let first = try #require(try await iterator.next())
        let a = try await harness.join("a", pool: "w")
        let b = try await harness.join("b", pool: "w")
        var pool = try #require(b.pool)
        pool = try #require(try await harness.client.call(ConsensusV1.Consensus.vote, ConsensusV1.VoteRequest(poolId: "w", memberId: "a", memberToken: a.memberToken, round: 1, value: 2, etag: pool.etag)).pool)
        _ = try await harness.client.call(ConsensusV1.Consensus.vote, ConsensusV1.VoteRequest(poolId: "w", memberId: "b", memberToken: b.memberToken, round: 1, value: 2, etag: pool.etag))
        var states = ["\(first.state.name)/\(first.etag)"]
        while let next = try await iterator.next() { states.append("\(next.state.name)/\(next.etag)") }
        #expect(states.first == "OPEN/\"v1\"")
        #expect(states.last == "SUCCESS/\"v5\"")
        #expect(states.count == 5)
    }

    /// State survives a restart from the log, and etags continue rather than reset.
    @Test func poolsSurviveRestartWithETagsContinuing() async throws {
        let directory = ScratchDirectory.path("consensus")
        var (log, recovery) = try WriteAheadLog.open(directory: directory)
        var harness = try Harness(log: log, recovery: recovery)
        _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "d", size: 3))
        let a = try await harness.join("a", pool: "d")
        _ = try await harness.join("b", pool: "d")
        _ = try await harness.join("c", pool: "d")
        let before = try await harness.client.call(ConsensusV1.Consensus.vote, ConsensusV1.VoteRequest(
            poolId: "d", memberId: "a", memberToken: a.memberToken, round: 1, value: 3, etag: try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "d")).etag)).pool
        await harness.stop()
        log.close()
        (log, recovery) = try WriteAheadLog.open(directory: directory)
        harness = try Harness(log: log, recovery: recovery)
        let after = try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "d"))
        #expect(after == before)
        // The member's token still works, and the next change gets the next etag.
        let again = try await harness.client.call(ConsensusV1.Consensus.vote, ConsensusV1.VoteRequest(
            poolId: "d", memberId: "a", memberToken: a.memberToken, round: 1, value: 3, etag: after.etag))
        #expect(again.accepted && again.pool?.etag == after.etag)
        let joinedAgain = try await harness.client.call(ConsensusV1.Consensus.joinPool, ConsensusV1.JoinPoolRequest(memberId: "a", poolId: "d", memberToken: a.memberToken))
        #expect(joinedAgain.memberToken == a.memberToken)
        await harness.stop()
        log.close()
    }

    /// Memory stays bounded: expired pools fail, then disappear.
    @Test func manyPoolsExpireAndAreRemoved() async throws {
        let clock = TestClock()
        let harness = try Harness(clock: clock)
        for index in 0..<200 {
            _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "p\(index)", size: 3, ttlSeconds: 5))
            _ = try await harness.join("m", pool: "p\(index)")
        }
        #expect(harness.node.poolCount == 200)
        clock.advance(seconds: 6)
        await harness.node.tick()
        let failed = try await harness.client.call(ConsensusV1.Consensus.listPools, ConsensusV1.ListPoolsRequest(pageSize: 1000, state: .failed))
        #expect(failed.pools.count == 200)
        #expect(failed.pools.allSatisfy { $0.closed && $0.reason.contains("only 1 of 3 members joined") })
        clock.advance(seconds: 6)
        await harness.node.tick()
        #expect(harness.node.poolCount == 0)
    }

    @Test func listPagesThroughPoolsInCreationOrder() async throws {
        let harness = try Harness()
        for index in 0..<7 { _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "l\(index)")) }
        var seen: [String] = []
        var token = ""
        repeat {
            let page = try await harness.client.call(ConsensusV1.Consensus.listPools, ConsensusV1.ListPoolsRequest(pageSize: 3, pageToken: token))
            seen += page.pools.map(\.poolId)
            token = page.nextPageToken
        } while !token.isEmpty
        #expect(seen == (0..<7).map { "l\($0)" })
        #expect(await harness.code { _ = try await harness.client.call(ConsensusV1.Consensus.listPools, ConsensusV1.ListPoolsRequest(pageToken: "junk")) } == .invalidArgument)
    }

    @Test(arguments: [3, 9])
    func agentsReachADecision(members: Int) async throws {
        let harness = try Harness()
        _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "agents", size: Int32(members)))
        let decisions = try await withThrowingTaskGroup(of: VotingAgent.Decision.self) { group in
            for index in 0..<members {
                let strategy = VotingAgent.Strategy.allCases[index % 3]
                group.addTask {
                    try await VotingAgent(client: harness.client, memberID: "m\(index)", poolID: "agents", strategy: strategy,
                                          patience: .seconds(30), seed: UInt64(index)).run()
                }
            }
            var all: [VotingAgent.Decision] = []
            for try await decision in group { all.append(decision) }
            return all
        }
        #expect(decisions.count == members)
        #expect(Set(decisions).count == 1, "agents disagree: \(decisions)")
    }

    /// An agent waits on one WatchPool stream for every change it needs (here: the pool filling,
    /// the other votes of a failed round, the winning vote), not one stream per change.
    @Test func anAgentWaitsOnOneWatchStream() async throws {
        let harness = try Harness()
        _ = try await harness.client.call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "w", size: 3))
        let counting = CountingTransport(inner: harness.network.transport(from: "agent", to: "server"))
        let agent = Task {
            var agent = VotingAgent(client: RPCClient(transport: counting), memberID: "m0", poolID: "w", strategy: .stubborn,
                                    patience: .seconds(50), seed: 7)
            agent.watchRenewal = .seconds(600)   // no renewal within the test, however slow the machine
            return try await agent.run()
        }
        /// The pool once `m0` has voted in `round` (bounded wait for the agent, which runs on its own).
        func votedByAgent(inRound round: Int32) async throws -> ConsensusV1.Pool {
            for _ in 0..<4000 {
                let pool = try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "w"))
                if pool.round == round, pool.votesThisRound["m0"] != nil { return pool }
                try await Task.sleep(for: .milliseconds(5))
            }
            throw ConnectError(.deadlineExceeded, "m0 did not vote in round \(round)")
        }
        func vote(_ member: String, _ token: String, _ value: Int64, on pool: ConsensusV1.Pool) async throws {
            _ = try await harness.client.call(ConsensusV1.Consensus.vote, ConsensusV1.VoteRequest(
                poolId: "w", memberId: member, memberToken: token, round: pool.round, value: value, etag: pool.etag))
        }
        for _ in 0..<4000 where try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "w")).members.isEmpty {
            try await Task.sleep(for: .milliseconds(5))
        }
        let one = try await harness.join("m1", pool: "w").memberToken
        let two = try await harness.join("m2", pool: "w").memberToken
        var pool = try await votedByAgent(inRound: 1)
        let stubborn = try #require(pool.votesThisRound["m0"])
        let others = (pool.minValue...pool.maxValue).filter { $0 != stubborn }
        try await vote("m1", one, others[0], on: pool)
        pool = try await harness.client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: "w"))
        try await vote("m2", two, others[1], on: pool)
        pool = try await votedByAgent(inRound: 2)
        try await vote("m1", one, stubborn, on: pool)
        let decision = try await agent.value
        #expect(decision.winner == stubborn && decision.round == 2)
        #expect(counting.streams.load(ordering: .relaxed) == 1)
    }
}

/// Counts the server streams a client opens.
final class CountingTransport: ClientTransport {
    let inner: any ClientTransport
    let streams = Atomic<Int>(0)

    init(inner: any ClientTransport) { self.inner = inner }

    func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        try await inner.unary(path: path, body: body, options: options)
    }

    func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        streams.add(1, ordering: .relaxed)
        return inner.serverStream(path: path, body: body, options: options)
    }
}

