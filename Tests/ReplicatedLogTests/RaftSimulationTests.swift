import Testing
import ReplicatedLog
import TestSupport

/// Hundreds of seeded schedules with leader crashes, partitions, loss, duplication and
/// reordering: at most one leader per term, committed entries never change, every replica's
/// committed entries are a prefix of one order, and the cluster recovers once healed.
@Suite(.serialized)
struct RaftSimulationTests {
    /// Seeds 508 and 521 replay schedules in which a replica crashed before it finished rebuilding
    /// damaged storage: a harness that forgot the damage at the next start let it vote with a
    /// short log for a leader missing committed entries (the real log repeats its damage report).
    @Test(arguments: Array(0..<120) + [508, 521])
    func threeReplicas(seed: UInt64) async {
        await onOwnThread { check(size: 3, seed: seed) }
    }

    /// Seed 715 replays a schedule (found by a 1,000-seed sweep) in which a follower learnt a
    /// commit index with entries replacing its own and crashed before they were durable: a harness
    /// that made the commit index durable at once restarted it on its old entries, "committed".
    @Test(arguments: Array(0..<60) + [715])
    func fiveReplicas(seed: UInt64) async {
        await onOwnThread { check(size: 5, seed: 10_000 + seed) }
    }

    /// The schedules really exercise what they claim to: snapshots sent to followers that fell
    /// behind, confirmed reads, hand-overs and restarts with damaged storage, also of a replica
    /// that crashed before it finished rebuilding.
    @Test func faultsAndFeaturesAreExercised() async {
        let totals = await onOwnThread { Self.exercised() }
        #expect(totals.snapshots > 10 && totals.reads > 1000 && totals.transfers > 5 && totals.damaged > 3
                && totals.stillDamaged > 0, "\(totals)")
    }

    static func exercised() -> (snapshots: Int, reads: Int, transfers: Int, damaged: Int, stillDamaged: Int) {
        var totals = (snapshots: 0, reads: 0, transfers: 0, damaged: 0, stillDamaged: 0)
        for seed in UInt64(0)..<40 {
            var simulation = RaftSimulation(size: 3, seed: 70_000 + seed)
            simulation.run(ticks: 600, faults: true)
            _ = simulation.settle()
            totals.snapshots += simulation.snapshotsInstalled
            totals.reads += simulation.confirmedReads
            totals.transfers += simulation.transfers
            totals.damaged += simulation.damagedRestarts
            totals.stillDamaged += simulation.restartsStillDamaged
        }
        return totals
    }

    /// The harness must catch a shell that acknowledges before persisting (crashes then lose
    /// votes and entries others counted on).
    @Test func brokenShellIsCaught() async {
        let caught = await onOwnThread { Self.caughtBrokenShells() }
        #expect(caught > 0)
    }

    static func caughtBrokenShells() -> Int {
        var caught = 0
        for seed in UInt64(0)..<150 {
            var simulation = RaftSimulation(size: 3, seed: 50_000 + seed)
            simulation.sendBeforePersist = true
            simulation.run(ticks: 600, faults: true)
            _ = simulation.settle()
            if !simulation.violations.isEmpty { caught += 1 }
        }
        return caught
    }

    nonisolated func check(size: Int, seed: UInt64) {
        var simulation = RaftSimulation(size: size, seed: seed)
        simulation.run(ticks: 600, faults: true)
        let settled = simulation.settle()
        #expect(simulation.violations.isEmpty, "seed \(seed): \(simulation.violations.prefix(3))")
        #expect(settled, "seed \(seed): no progress after healing")
        // Every replica's log agrees with the committed order up to its commit index, and its
        // machine holds exactly the committed entries up to what it applied.
        for id in simulation.ids {
            guard let node = simulation.replicas[id]?.node, let replica = simulation.replicas[id] else { continue }
            for index in stride(from: node.log.snapshotIndex + 1, through: node.commitIndex, by: 1) {
                #expect(node.log.entry(at: index) == simulation.committed[index], "seed \(seed): \(id) differs at \(index)")
            }
            #expect(replica.appliedUpTo == node.appliedIndex, "seed \(seed): \(id) applied \(replica.appliedUpTo) of \(node.appliedIndex)")
            for (index, entry) in replica.applied where simulation.committed[index] != entry {
                Issue.record("seed \(seed): \(id) applied \(entry) where \(String(describing: simulation.committed[index])) committed")
            }
        }
        // Commits did happen under faults (the schedule is not vacuous).
        #expect(simulation.committed.count > 10, "seed \(seed): only \(simulation.committed.count) entries committed")
    }
}
