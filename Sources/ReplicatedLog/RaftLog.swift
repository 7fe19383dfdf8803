/// The entries a replica holds, indexed from 1. Index 0 is the empty prefix (term 0).
public struct RaftLog: Sendable, Equatable {
    public private(set) var entries: [LogEntry] = []

    public init(_ entries: [LogEntry] = []) {
        self.entries = entries
    }

    public var lastIndex: UInt64 { UInt64(entries.count) }
    public var lastTerm: UInt64 { entries.last?.term ?? 0 }

    /// The term of the entry at `index`; 0 for index 0; nil past the end.
    public func term(at index: UInt64) -> UInt64? {
        if index == 0 { return 0 }
        guard index <= lastIndex else { return nil }
        return entries[Int(index - 1)].term
    }

    public func entry(at index: UInt64) -> LogEntry? {
        guard index >= 1, index <= lastIndex else { return nil }
        return entries[Int(index - 1)]
    }

    /// Entries `from...` (at most `limit`).
    public func entries(from index: UInt64, limit: Int) -> [LogEntry] {
        guard index >= 1, index <= lastIndex else { return [] }
        let start = Int(index - 1)
        return Array(entries[start..<(start + min(limit, entries.count - start))])
    }

    public mutating func append(_ entry: LogEntry) {
        precondition(entry.index == lastIndex + 1, "log entries must be appended in order")
        entries.append(entry)
    }

    /// Drops every entry at or after `index`.
    public mutating func truncate(from index: UInt64) {
        guard index >= 1, index <= lastIndex else { return }
        entries.removeSubrange(Int(index - 1)...)
    }

    /// Whether a log ending at (`index`, `term`) is at least as up to date as this one (§5.4.1).
    public func isUpToDate(lastIndex index: UInt64, lastTerm term: UInt64) -> Bool {
        term > lastTerm || (term == lastTerm && index >= lastIndex)
    }

    /// Applies a persisted "replace from here" record during recovery.
    public mutating func restore(_ batch: [LogEntry]) {
        guard let first = batch.first else { return }
        truncate(from: first.index)
        for entry in batch where entry.index == lastIndex + 1 { append(entry) }
    }
}
