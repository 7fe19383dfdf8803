/// One slot of the replicated log.
///
/// Two entries with the same `index` and `term` hold the same `data`, and the logs that contain
/// them agree on every earlier entry (Raft's log matching property).
public struct LogEntry: Sendable, Equatable {
    public var term: UInt64
    public var index: UInt64
    /// The command; empty for the no-op a new leader appends to commit its predecessors' entries.
    public var data: [UInt8]

    public init(term: UInt64, index: UInt64, data: [UInt8]) {
        self.term = term
        self.index = index
        self.data = data
    }

    public var isNoOp: Bool { data.isEmpty }
}

/// What must survive a crash besides the entries: the current term and the vote cast in it.
public struct HardState: Sendable, Equatable, Codable {
    public var term: UInt64
    public var votedFor: String?

    public init(term: UInt64 = 0, votedFor: String? = nil) {
        self.term = term
        self.votedFor = votedFor
    }
}
