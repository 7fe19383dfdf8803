/// What the shell must do after feeding the core events, in this order:
/// 1. if `snapshot` is set: restore the state machine from it and persist it (it replaces the
///    stored log up to its index);
/// 2. persist `hardState` (if set) and `entries` (dropping any stored entries at or after
///    `entries.first.index` first), and wait until they — and every earlier Ready's writes —
///    are durable (an acknowledgement may cover entries an earlier Ready wrote);
/// 3. send `messages` (a leader's `sendNow` messages may go before step 2 finishes);
/// 4. apply `committed` to the state machine, in order, report `persisted(...)`, and answer the
///    `reads` once the machine has applied up to their index.
public struct RaftReady: Sendable, Equatable {
    public var hardState: HardState?
    public var entries: [LogEntry] = []
    /// Messages that must wait for the persistence above (votes, acknowledgements).
    public var messages: [OutgoingMessage] = []
    /// A leader's AppendEntries (and snapshots, heartbeats): safe to send before its own copy is
    /// durable, because the leader counts itself toward a majority only once the shell reports
    /// `persisted`.
    public var sendNow: [OutgoingMessage] = []
    /// The new commit index when it advanced: worth persisting (no need to wait) so a restart
    /// can apply committed entries before hearing from a leader.
    public var commitIndex: UInt64?
    /// Entries known committed, not yet handed out, in log order.
    public var committed: [LogEntry] = []
    /// A snapshot received from the leader: the state machine becomes it, at its index.
    public var snapshot: SnapshotInstall?
    /// Linearizable reads confirmed by a majority: each may be answered once the state machine
    /// has applied up to its index.
    public var reads: [ReadState] = []
    /// Read requests this replica can no longer confirm (it stopped leading): retry elsewhere.
    public var failedReads: [UInt64] = []
    /// A replica that was rebuilding damaged state has caught up with a leader: it votes again.
    public var rebuilt = false

    public init() {}

    /// Whether step 2 must finish before `messages` go out (a new term, vote, entries or snapshot).
    public var mustPersistFirst: Bool { hardState != nil || !entries.isEmpty || snapshot != nil }

    public var isEmpty: Bool {
        hardState == nil && commitIndex == nil && entries.isEmpty && messages.isEmpty && sendNow.isEmpty && committed.isEmpty
            && snapshot == nil && reads.isEmpty && failedReads.isEmpty && !rebuilt
    }
}

/// A snapshot the shell must install: the state after every entry up to `index`.
public struct SnapshotInstall: Sendable, Equatable {
    public var index: UInt64
    public var term: UInt64
    public var data: [UInt8]

    public init(index: UInt64, term: UInt64, data: [UInt8]) {
        self.index = index
        self.term = term
        self.data = data
    }
}

/// A read confirmed linearizable: answer request `id` from a state machine that has applied
/// at least `index`.
public struct ReadState: Sendable, Equatable {
    public var id: UInt64
    public var index: UInt64

    public init(id: UInt64, index: UInt64) {
        self.id = id
        self.index = index
    }
}
