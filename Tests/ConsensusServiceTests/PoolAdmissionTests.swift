import ConsensusCore
import ConsensusService
import LogReplica
import ReplicatedLog
import Testing

/// How a leader lets votes into the log (`PoolMachine.admission`, `LogReplicaCore+Admission`):
/// votes racing with one etag cost one entry, the losers are refused from the applied pool as
/// soon as the winner applies, and nothing is answered that applying would not have said.
struct PoolAdmissionTests {
    typealias Core = LogReplicaCore<PoolMachine>

    static func token(_ member: String) -> String { "token-of-\(member)-0123456789" }

    static func vote(_ member: String, _ value: Int64, etag: String, round: Int = 1) -> PoolCommand {
        .vote(poolId: "p", member: member, token: token(member), principal: nil, round: round, value: value, etag: etag, now: 2)
    }

    /// A single-replica leader holding pool "p" of two members, full and waiting at "v3".
    static func leaderWithFullPool() throws -> Core {
        var raft = RaftNode(configuration: .init(id: "a", members: ["a"], electionTicks: 3...3), seed: 1)
        for _ in 0..<3 { raft.tick() }
        var core = Core(raft: raft, machine: PoolMachine(), codec: JSONCommandCodec(), snapshotEvery: 0)
        _ = try core.propose(.create(poolId: "p", size: 2, minValue: 1, maxValue: 3, ttlSeconds: 60, now: 1), ticket: 1)
        for (ticket, member) in [(UInt64(2), "m1"), (3, "m2")] {
            _ = try core.propose(.join(member: member, poolId: "p", token: token(member), principal: nil, newToken: token(member), now: 1),
                                 ticket: ticket)
        }
        _ = commit(&core)
        return core
    }

    /// Makes everything appended durable (one replica: committed) and returns what completed.
    static func commit(_ core: inout Core) -> Core.Effects {
        var effects = core.takeEffects()
        core.persisted(index: core.raft.log.lastIndex, term: core.raft.log.lastTerm)
        let next = core.takeEffects()
        effects.completed += next.completed
        effects.proposedMore = next.proposedMore
        return effects
    }

    static func outcome(_ effects: Core.Effects, _ ticket: UInt64) -> (output: PoolOutput?, index: UInt64??) {
        guard let done = effects.completed.first(where: { $0.ticket == ticket }) else { return (nil, nil) }
        return (try? done.result.get(), .some(done.index))
    }

    @Test func racingVotesCostOneEntryAndTheLoserHearsWhenTheWinnerApplies() throws {
        var core = try Self.leaderWithFullPool()
        #expect(core.machine.read { $0.pools["p"]?.etag } == "\"v3\"")
        let before = core.raft.log.lastIndex
        #expect(try core.propose(Self.vote("m1", 1, etag: "v3"), ticket: 10) == nil)
        #expect(try core.propose(Self.vote("m2", 2, etag: "v3"), ticket: 11) == nil)
        #expect(core.raft.log.lastIndex == before + 1, "the second vote waits instead of taking a slot")
        #expect(core.heldBackCount == 1)

        let effects = Self.commit(&core)
        let winner = Self.outcome(effects, 10)
        guard case .pool(let pool, _)? = winner.output else {
            Issue.record("the first vote did not count: \(String(describing: winner.output))")
            return
        }
        #expect(pool.etag == "\"v4\"" && winner.index == .some(before + 1))
        let loser = Self.outcome(effects, 11)
        guard case .rejected(.stale, let current)? = loser.output else {
            Issue.record("the racing vote was not refused as stale: \(String(describing: loser.output))")
            return
        }
        #expect(current?.etag == "\"v4\"" && current?.votes["m1"] == 1)
        #expect(loser.index == .some(nil), "refused without a log entry")
        #expect(core.raft.log.lastIndex == before + 1 && core.heldBackCount == 0 && !effects.proposedMore)
    }

    /// An etag older than the applied pool is refused at once; a repeated, already counted vote
    /// is not refused (applying it says it counted), and a vote with the current etag goes in.
    @Test func onlyAForegoneRefusalSkipsTheLog() throws {
        var core = try Self.leaderWithFullPool()
        _ = try core.propose(Self.vote("m1", 1, etag: "v3"), ticket: 10)
        _ = Self.commit(&core)
        let before = core.raft.log.lastIndex

        #expect(try core.propose(Self.vote("m2", 2, etag: "v2"), ticket: 20) == nil)
        var effects = core.takeEffects()
        guard case .rejected(.stale, let current)? = Self.outcome(effects, 20).output else {
            Issue.record("an older etag was not refused at once")
            return
        }
        #expect(current?.etag == "\"v4\"" && core.raft.log.lastIndex == before)

        // m1's own vote again with its old etag: the log recognises the repeat.
        #expect(try core.propose(Self.vote("m1", 1, etag: "v3"), ticket: 21) == nil)
        #expect(core.raft.log.lastIndex == before + 1)
        effects = Self.commit(&core)
        guard case .pool(let pool, _)? = Self.outcome(effects, 21).output else {
            Issue.record("a repeated vote was refused")
            return
        }
        #expect(pool.etag == "\"v4\"")

        #expect(try core.propose(Self.vote("m2", 2, etag: "v4"), ticket: 22) == nil)
        effects = Self.commit(&core)
        guard case .pool(let after, _)? = Self.outcome(effects, 22).output else {
            Issue.record("a vote with the current etag did not count")
            return
        }
        #expect(after.etag == "\"v5\"" && after.round == 2)
    }

    /// A vote held behind one the pool refuses is judged again and goes into the log.
    @Test func aHeldVoteGoesInWhenTheOneAheadChangedNothing() throws {
        var core = try Self.leaderWithFullPool()
        let wrongToken = PoolCommand.vote(poolId: "p", member: "m1", token: "not-the-token-0123456789", principal: nil,
                                          round: 1, value: 1, etag: "v3", now: 2)
        _ = try core.propose(wrongToken, ticket: 10)
        _ = try core.propose(Self.vote("m2", 2, etag: "v3"), ticket: 11)
        #expect(core.heldBackCount == 1)
        let effects = Self.commit(&core)
        guard case .rejected(.unauthenticated, _)? = Self.outcome(effects, 10).output else {
            Issue.record("the wrong token was accepted")
            return
        }
        #expect(effects.proposedMore && core.heldBackCount == 0)
        let after = Self.commit(&core)
        guard case .pool(let pool, _)? = Self.outcome(after, 11).output else {
            Issue.record("the held vote did not count")
            return
        }
        #expect(pool.etag == "\"v4\"" && pool.votes["m2"] == 2)
    }

    /// A leader that loses leadership fails what it holds: it never entered the log there.
    @Test func heldVotesFailWhenLeadershipIsLost() throws {
        var raft = RaftNode(configuration: .init(id: "a", members: ["a", "b", "c"], electionTicks: 3...3, preVote: false), seed: 1)
        for _ in 0..<3 { raft.tick() }
        raft.step(.voteResponse(term: raft.term, granted: true, preVote: false), from: "b")
        #expect(raft.isLeader)
        var core = Core(raft: raft, machine: PoolMachine(), codec: JSONCommandCodec(), snapshotEvery: 0)
        _ = core.takeEffects()
        _ = try core.propose(.create(poolId: "p", size: 2, minValue: 1, maxValue: 3, ttlSeconds: 60, now: 1), ticket: 1)
        _ = try core.propose(Self.vote("m1", 1, etag: "v1"), ticket: 2)
        #expect(core.heldBackCount == 1)
        core.step(.appendEntries(term: core.raft.term + 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0, round: 0), from: "b")
        let effects = core.takeEffects()
        #expect(!core.raft.isLeader && core.heldBackCount == 0)
        let held = effects.completed.first { $0.ticket == 2 }
        guard case .failure(.leadershipChanged)? = held?.result else {
            Issue.record("the held vote was not failed: \(String(describing: held))")
            return
        }
    }
}
