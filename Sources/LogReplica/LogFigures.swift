import Synchronization

/// What an operator watches on a replicated log, readable from any thread (for `/metrics`)
/// without a hop onto the replica's actor.
///
/// Guarantees: each figure is the value the replica held at the end of some processing step
/// (figures may be read mid-update: each is exact on its own, not a snapshot of all of them).
public final class LogFigures: Sendable {
    let term = Atomic<UInt64>(0)
    let commitIndex = Atomic<UInt64>(0)
    let appliedIndex = Atomic<UInt64>(0)
    let isLeader = Atomic<Bool>(false)
    let snapshotIndex = Atomic<UInt64>(0)
    let snapshotBytes = Atomic<UInt64>(0)
    let snapshotsTaken = Atomic<UInt64>(0)

    public init() {}

    func record(term: UInt64, commitIndex: UInt64, appliedIndex: UInt64, isLeader: Bool) {
        self.term.store(term, ordering: .relaxed)
        self.commitIndex.store(commitIndex, ordering: .relaxed)
        self.appliedIndex.store(appliedIndex, ordering: .relaxed)
        self.isLeader.store(isLeader, ordering: .relaxed)
    }

    func recordSnapshot(index: UInt64, bytes: Int) {
        snapshotIndex.store(index, ordering: .relaxed)
        snapshotBytes.store(UInt64(bytes), ordering: .relaxed)
        snapshotsTaken.add(1, ordering: .relaxed)
    }

    /// The figures as `/metrics` gauges: name, help, type, value.
    public func gauges() -> [(String, String, String, @Sendable () -> Double)] {
        [
            ("replnode_log_term", "The replicated log's current term.", "gauge", { Double(self.term.load(ordering: .relaxed)) }),
            ("replnode_log_leader", "1 while this replica leads the replicated log.", "gauge",
             { self.isLeader.load(ordering: .relaxed) ? 1 : 0 }),
            ("replnode_log_commit_index", "Highest log index known committed.", "gauge", { Double(self.commitIndex.load(ordering: .relaxed)) }),
            ("replnode_log_applied_index", "Highest log index applied to the state machine here.", "gauge",
             { Double(self.appliedIndex.load(ordering: .relaxed)) }),
            ("replnode_log_snapshot_index", "Log index covered by the latest snapshot.", "gauge",
             { Double(self.snapshotIndex.load(ordering: .relaxed)) }),
            ("replnode_log_snapshot_bytes", "Size of the latest snapshot of the state machine.", "gauge",
             { Double(self.snapshotBytes.load(ordering: .relaxed)) }),
            ("replnode_log_snapshots_total", "Snapshots taken or installed.", "counter", { Double(self.snapshotsTaken.load(ordering: .relaxed)) }),
        ]
    }
}
