import Foundation
import ReplicaMath

/// The bookkeeping of `node cluster`'s replicas: which run, which wait for a restart, and
/// whether an exited one should be started again. Pure: the command does the I/O.
///
/// Guarantees: a replica that exits within `quickExit` of being started `maxQuickExits` times
/// in a row is not restarted again (it would only fail the same way); an exit reported for an
/// older launch of a replica is ignored; `running` counts the processes believed alive.
struct ClusterSupervisor {
    enum Decision: Equatable {
        case restart(after: Duration)
        case giveUp(String)
    }

    static let restartDelay: Duration = .seconds(1)
    static let quickExit: Duration = .seconds(10)
    static let maxQuickExits = 3

    let ids: [String]
    let restart: Bool
    private var children: [String: (process: Process, generation: Int, started: ContinuousClock.Instant)] = [:]
    private var quickExits: [String: Int] = [:]
    private var pending: Set<String> = []
    private var generation: Int

    init(ids: [String], children: [Process], restart: Bool, generation: Int, now: ContinuousClock.Instant = .now) {
        self.ids = ids
        self.restart = restart
        self.generation = generation
        for (id, child) in zip(ids, children) { self.children[id] = (child, generation, now) }
    }

    var majority: Int { ReplicaMath.majority(of: ids.count) }
    var running: Int { children.count }
    var restartPending: Bool { !pending.isEmpty }
    var runningChildren: [Process] { children.values.map(\.process) }

    mutating func nextGeneration() -> Int {
        generation += 1
        return generation
    }

    /// A child exited: nil when it was not the current launch of `id`; else whether to restart.
    mutating func exited(_ id: String, generation: Int, now: ContinuousClock.Instant) -> Decision? {
        guard let child = children[id], child.generation == generation else { return nil }
        children[id] = nil
        let quick = now - child.started < Self.quickExit
        quickExits[id] = quick ? quickExits[id, default: 0] + 1 : 0
        guard restart else { return .giveUp("--no-restart") }
        guard quickExits[id, default: 0] < Self.maxQuickExits else {
            return .giveUp("it exited within \(Self.quickExit.components.seconds) s of starting \(Self.maxQuickExits) times in a row")
        }
        pending.insert(id)
        return .restart(after: Self.restartDelay)
    }

    mutating func restarted(_ id: String, child: Process, generation: Int, now: ContinuousClock.Instant) {
        pending.remove(id)
        children[id] = (child, generation, now)
    }

    mutating func restartFailed(_ id: String) {
        pending.remove(id)
    }
}
