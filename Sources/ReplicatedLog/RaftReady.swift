/// What the shell must do after feeding the core events, in this order:
/// 1. persist `hardState` (if set) and `entries` (dropping any stored entries at or after
///    `entries.first.index` first), and wait until they — and every earlier Ready's writes —
///    are durable (an acknowledgement may cover entries an earlier Ready wrote);
/// 2. send `messages` (a leader's `sendNow` messages may go before step 1 finishes);
/// 3. apply `committed` to the state machine, in order, and report `persisted(...)`.
public struct RaftReady: Sendable, Equatable {
    public var hardState: HardState?
    public var entries: [LogEntry] = []
    /// Messages that must wait for the persistence above (votes, acknowledgements).
    public var messages: [OutgoingMessage] = []
    /// A leader's AppendEntries: safe to send before its own copy is durable, because the
    /// leader counts itself toward a majority only once the shell reports `persisted`.
    public var sendNow: [OutgoingMessage] = []
    /// The new commit index when it advanced: worth persisting (no need to wait) so a restart
    /// can apply committed entries before hearing from a leader.
    public var commitIndex: UInt64?
    /// Entries known committed, not yet handed out, in log order.
    public var committed: [LogEntry] = []

    public init() {}

    /// Whether step 1 must finish before `messages` go out (a new term, vote or entries).
    public var mustPersistFirst: Bool { hardState != nil || !entries.isEmpty }

    public var isEmpty: Bool {
        hardState == nil && commitIndex == nil && entries.isEmpty && messages.isEmpty && sendNow.isEmpty && committed.isEmpty
    }
}
