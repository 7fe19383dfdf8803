/// The entries a replica holds, indexed from 1, after an optional compacted prefix: entries up to
/// `snapshotIndex` are gone (a snapshot of the state machine stands for them) and only the term
/// of the last of them is kept. Index 0 is the empty prefix (term 0).
public struct RaftLog: Sendable, Equatable {
    public private(set) var entries: [LogEntry] = []
    /// The last index the snapshot covers (0: nothing compacted).
    public private(set) var snapshotIndex: UInt64 = 0
    public private(set) var snapshotTerm: UInt64 = 0

    public init(_ entries: [LogEntry] = [], snapshotIndex: UInt64 = 0, snapshotTerm: UInt64 = 0) {
        self.snapshotIndex = snapshotIndex
        self.snapshotTerm = snapshotTerm
        self.entries = entries.filter { $0.index > snapshotIndex }
    }

    public var firstIndex: UInt64 { snapshotIndex + 1 }
    public var lastIndex: UInt64 { snapshotIndex + UInt64(entries.count) }
    public var lastTerm: UInt64 { entries.last?.term ?? snapshotTerm }

    /// The term of the entry at `index`; the snapshot's term at `snapshotIndex`; 0 for index 0;
    /// nil past the end or inside the compacted prefix.
    public func term(at index: UInt64) -> UInt64? {
        if index == snapshotIndex { return snapshotTerm }
        if index == 0 { return 0 }
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index - snapshotIndex - 1)].term
    }

    public func entry(at index: UInt64) -> LogEntry? {
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index - snapshotIndex - 1)]
    }

    /// Entries `from...` (at most `limit`); empty if `from` is compacted or past the end.
    public func entries(from index: UInt64, limit: Int) -> [LogEntry] {
        guard index > snapshotIndex, index <= lastIndex else { return [] }
        let start = Int(index - snapshotIndex - 1)
        return Array(entries[start..<(start + min(limit, entries.count - start))])
    }

    public mutating func append(_ entry: LogEntry) {
        precondition(entry.index == lastIndex + 1, "log entries must be appended in order")
        entries.append(entry)
    }

    /// Drops every entry at or after `index` (never the compacted prefix).
    public mutating func truncate(from index: UInt64) {
        guard index > snapshotIndex, index <= lastIndex else { return }
        entries.removeSubrange(Int(index - snapshotIndex - 1)...)
    }

    /// Drops the entries up to `index` (which this log holds), keeping its term.
    public mutating func compact(through index: UInt64) {
        guard index > snapshotIndex, let term = term(at: index) else { return }
        entries.removeFirst(Int(index - snapshotIndex))
        snapshotIndex = index
        snapshotTerm = term
    }

    /// Replaces everything with a snapshot ending at (`index`, `term`), keeping later entries
    /// only if this log agrees with the snapshot at `index`.
    public mutating func install(snapshotIndex index: UInt64, term: UInt64) {
        if index <= lastIndex, self.term(at: index) == term, index >= snapshotIndex {
            compact(through: index)
            return
        }
        entries = []
        snapshotIndex = index
        snapshotTerm = term
    }

    /// Whether a log ending at (`index`, `term`) is at least as up to date as this one (§5.4.1).
    public func isUpToDate(lastIndex index: UInt64, lastTerm term: UInt64) -> Bool {
        term > lastTerm || (term == lastTerm && index >= self.lastIndex)
    }

    /// Applies a persisted "replace from here" record during recovery.
    public mutating func restore(_ batch: [LogEntry]) {
        guard let first = batch.first else { return }
        truncate(from: max(first.index, firstIndex))
        for entry in batch where entry.index == lastIndex + 1 { append(entry) }
    }
}
