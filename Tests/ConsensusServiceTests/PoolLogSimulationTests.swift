import ConsensusCore
import ConsensusService
import ReplicatedLog
import Testing
import TestSupport

/// The voting pools on the replicated log, many seeds, under message loss, duplication,
/// reordering, partitions (one-way too), crash-restarts with torn writes, snapshots and snapshot
/// transfer, and hand-overs: at most one winner per pool, with a strict majority in one round;
/// etags only grow; no acknowledged vote is lost; a stale refusal (also one given without a log
/// entry) carries a pool past the etag it refused; every replica ends with the same pools.
@Suite(.serialized)
struct PoolLogSimulationTests {
    static let pools = (0..<4).map { "p\($0)" }
    static let members = (0..<9).map { "m\($0)" }

    static func token(_ member: String) -> String { "token-of-\(member)-0123456789" }

    /// Clients: create the pools, join them, and vote with the etag they last saw somewhere
    /// (sometimes stale).
    static func workload(_ simulation: inout LogSimulation<PoolMachine>) -> [PoolCommand] {
        let now = Int64(simulation.now) * 100
        guard simulation.chance(0.6) else { return [] }
        let pool = pools[Int(simulation.nextRandom() % UInt64(pools.count))]
        let member = members[Int(simulation.nextRandom() % UInt64(members.count))]
        let readers = simulation.isUp
        guard !readers.isEmpty, let machine = simulation.machine(readers[Int(simulation.nextRandom() % UInt64(readers.count))]) else { return [] }
        guard let state = machine.read({ $0.pools[pool] }) else {
            return [.create(poolId: pool, size: 3, minValue: 1, maxValue: 3, ttlSeconds: 3600, now: now)]
        }
        if !state.isFull {
            return [.join(member: member, poolId: pool, token: token(member), principal: nil, newToken: token(member), now: now)]
        }
        guard !state.members.isEmpty else { return [] }
        let voter = state.members[Int(simulation.nextRandom() % UInt64(state.members.count))]
        let value = Int64(1 + simulation.nextRandom() % 3)
        return [.vote(poolId: pool, member: voter, token: token(voter), principal: nil, round: state.round, value: value, etag: state.etag, now: now)]
    }

    @Test(arguments: 0..<50)
    func threeReplicas(seed: UInt64) async {
        await onOwnThread { Self.check(size: 3, seed: seed) }
    }

    @Test(arguments: 0..<12)
    func fiveReplicas(seed: UInt64) async {
        await onOwnThread { Self.check(size: 5, seed: 5_000 + seed) }
    }

    /// The schedules exercise what they claim: crashes, snapshots taken and sent, hand-overs.
    @Test func faultsAreExercised() async {
        let totals = await onOwnThread { Self.exercised() }
        #expect(totals.crashes > 10 && totals.taken > 20 && totals.installed > 3 && totals.transfers > 3 && totals.answered > 20, "\(totals)")
    }

    static func exercised() -> (crashes: Int, taken: Int, installed: Int, transfers: Int, answered: Int) {
        var totals = (crashes: 0, taken: 0, installed: 0, transfers: 0, answered: 0)
        for seed in UInt64(0)..<20 {
            var simulation = LogSimulation<PoolMachine>(size: 3, seed: 40_000 + seed) { PoolMachine() }
            simulation.run(ticks: 500, faults: true, workload: Self.workload)
            _ = simulation.settle(final: .expire(now: 0))
            totals.crashes += simulation.counts.crashes
            totals.taken += simulation.counts.snapshotsTaken
            totals.installed += simulation.counts.snapshotsInstalled
            totals.transfers += simulation.counts.transfers
            totals.answered += simulation.counts.answeredWithoutLog
        }
        return totals
    }

    /// A shell that answers before the command is committed must be caught.
    @Test func brokenShellIsCaught() async {
        let caught = await onOwnThread { Self.caughtBrokenShells() }
        #expect(caught >= 3, "caught in only \(caught) of 20 seeds")
    }

    static func caughtBrokenShells() -> Int {
        var caught = 0
        for seed in UInt64(0)..<20 {
            var simulation = LogSimulation<PoolMachine>(size: 3, seed: 90_000 + seed) { PoolMachine() }
            simulation.acknowledgeOnAppend = true
            simulation.run(ticks: 500, faults: true, workload: Self.workload)
            _ = simulation.settle(final: .expire(now: 0))
            if !simulation.violations.isEmpty || !Self.problems(simulation).isEmpty { caught += 1 }
        }
        return caught
    }

    static func check(size: Int, seed: UInt64) {
        var simulation = LogSimulation<PoolMachine>(size: size, seed: seed) { PoolMachine() }
        simulation.run(ticks: 500, faults: true, workload: Self.workload)
        let settled = simulation.settle(final: .expire(now: 0))
        #expect(settled, "seed \(seed): no progress after healing")
        #expect(simulation.violations.isEmpty, "seed \(seed): \(simulation.violations.prefix(3))")
        let problems = Self.problems(simulation)
        #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(3))")
        #expect(simulation.acknowledgements.count > 20, "seed \(seed): only \(simulation.acknowledgements.count) acknowledged")
    }

    /// The pools' own properties, over what was acknowledged and what every replica holds.
    static func problems(_ simulation: LogSimulation<PoolMachine>) -> [String] {
        var problems: [String] = []
        let books = simulation.ids.compactMap { id in simulation.machine(id).map { machine in (id, machine.read { $0 }) } }
        guard let (firstID, reference) = books.first else { return ["no replica up"] }
        for (id, book) in books.dropFirst() where book.pools != reference.pools {
            problems.append("\(id) and \(firstID) hold different pools")
        }
        for pool in reference.pools.values {
            guard pool.state == .success, let winner = pool.winner else { continue }
            guard let last = pool.history.last, last.winner == winner,
                  last.votes.values.filter({ $0 == winner }).count >= pool.majority else {
                problems.append("\(pool.id) won by \(winner) without a strict majority in its last round")
                continue
            }
            if pool.history.dropLast().contains(where: { $0.winner != nil }) { problems.append("\(pool.id) has two winning rounds") }
        }
        // Etags grow with every acknowledged change; an acknowledged vote is never lost.
        var versions: [String: UInt64] = [:]
        for (command, output) in simulation.acknowledgements {
            if case .rejected(.stale, let current) = output, case .vote(let id, _, _, _, let round, _, let etag, _) = command,
               let seen = ConsensusNode.version(ofETag: etag), current.map({ $0.version > seen || $0.round != round }) != true {
                problems.append("a vote in \(id) with etag \(etag) was refused as stale by pool \(current?.etag ?? "none")")
            }
            guard case .pool(let pool, _) = output else { continue }
            if let final = reference.pools[pool.id], final.version < pool.version {
                problems.append("\(pool.id) went back from \(pool.etag) to \(final.etag)")
            }
            versions[pool.id] = max(versions[pool.id] ?? 0, pool.version)
            if case .vote(let id, let member, _, _, let round, let value, _, _) = command, pool.vote(of: member, inRound: round) == value,
               let final = reference.pools[id], final.vote(of: member, inRound: round) != value {
                problems.append("\(member)'s acknowledged vote \(value) in \(id) round \(round) was lost")
            }
        }
        return problems
    }
}
