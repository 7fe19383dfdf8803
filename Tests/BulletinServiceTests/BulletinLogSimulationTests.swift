import BulletinCore
import ReplicatedLog
import Testing
import TestSupport
@testable import BulletinService

/// The sequential board (`BulletinReplica` as the log's machine), many seeds, under the log
/// simulation's faults: no acknowledged post or reply is lost, ids follow the log's order,
/// request ids make retries harmless, and every replica's board is a prefix of the same order.
@Suite(.serialized)
struct BulletinLogSimulationTests {
    static func machine() -> BulletinReplica {
        // A sequential board's replica has no log of its own (the replicated log is its log).
        (try? BulletinReplica(origin: "log", nodeIndex: 0, log: nil)) ?? { fatalError("a log-less BulletinReplica cannot fail") }()
    }

    /// Clients post (now and then retrying an earlier request id) and reply to what they see.
    static func workload(_ simulation: inout LogSimulation<BulletinReplica>) -> [BulletinDraft] {
        guard simulation.chance(0.6) else { return [] }
        let now = Int64(simulation.now)
        let request = simulation.chance(0.1) ? "r\(simulation.nextRandom() % UInt64(max(1, simulation.now)))" : "r\(simulation.now)-\(simulation.nextRandom() % 1000)"
        let up = simulation.isUp
        guard !up.isEmpty, let board = simulation.machine(up[Int(simulation.nextRandom() % UInt64(up.count))]) else { return [] }
        let count = board.read { $0.count }
        if count > 0, simulation.chance(0.4) {
            // A reply to something seen (or, rarely, to nothing).
            let parent = simulation.chance(0.05) ? Int64(count + 100) : Int64(1 + simulation.nextRandom() % UInt64(count))
            return [BulletinDraft(kind: .reply, parentId: parent, author: "a", body: "reply at \(now)", requestId: request, createdAtMs: now)]
        }
        return [BulletinDraft(kind: .article, author: "a", title: "post \(now)", body: "b", requestId: request, createdAtMs: now)]
    }

    static let final = BulletinDraft(kind: .article, author: "x", title: "final", body: "f", requestId: "final", createdAtMs: 0)

    @Test(arguments: 0..<40)
    func threeReplicas(seed: UInt64) async {
        await onOwnThread { Self.check(seed: seed) }
    }

    static func check(seed: UInt64) {
        var simulation = LogSimulation<BulletinReplica>(size: 3, seed: 20_000 + seed, snapshotEvery: 30, makeMachine: Self.machine)
        simulation.run(ticks: 500, faults: true, workload: Self.workload)
        let settled = simulation.settle(final: Self.final)
        #expect(settled, "seed \(seed): no progress after healing")
        #expect(simulation.violations.isEmpty, "seed \(seed): \(simulation.violations.prefix(3))")
        let problems = Self.problems(simulation)
        #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(3))")
        #expect(simulation.acknowledgements.count > 20, "seed \(seed): only \(simulation.acknowledgements.count) acknowledged")
    }

    /// A shell that answers before the post is committed must be caught.
    @Test func brokenShellIsCaught() async {
        let caught = await onOwnThread { Self.caughtBrokenShells() }
        #expect(caught >= 3, "caught in only \(caught) of 20 seeds")
    }

    static func caughtBrokenShells() -> Int {
        var caught = 0
        for seed in UInt64(0)..<20 {
            var simulation = LogSimulation<BulletinReplica>(size: 3, seed: 95_000 + seed, snapshotEvery: 30, makeMachine: Self.machine)
            simulation.acknowledgeOnAppend = true
            simulation.run(ticks: 500, faults: true, workload: Self.workload)
            _ = simulation.settle(final: Self.final)
            if !simulation.violations.isEmpty || !Self.problems(simulation).isEmpty { caught += 1 }
        }
        return caught
    }

    static func problems(_ simulation: LogSimulation<BulletinReplica>) -> [String] {
        var problems: [String] = []
        let boards = simulation.ids.compactMap { id in simulation.machine(id).map { (id, $0.copyOfBulletin()) } }
        guard let (firstID, reference) = boards.first else { return ["no replica up"] }
        // Every board is the same prefix-closed order: ids 1…n with identical items.
        for (id, board) in boards {
            if board.maxID != Int64(board.count) { problems.append("\(id)'s ids are not 1…\(board.count)") }
            if board.items(after: 0) != reference.items(after: 0) { problems.append("\(id) and \(firstID) hold different boards") }
        }
        for (draft, output) in simulation.acknowledgements {
            guard case .item(let item) = output else { continue }
            if reference.item(item.id) != item { problems.append("acknowledged item \(item.id) is not on the board as acknowledged") }
            if item.requestId != draft.requestId { problems.append("item \(item.id) answered a different request") }
        }
        return problems
    }
}
