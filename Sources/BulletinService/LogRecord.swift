import JSON
import Foundation
import ReplicatedLog

/// What the sequential mode writes to its write-ahead log: a new term/vote, entries replacing
/// the log from their first index, or a commit index.
struct LogRecord: Codable {
    struct Entry: Codable {
        var t: UInt64
        var i: UInt64
        var d: String
    }

    var hard: HardState?
    var entries: [Entry]?
    var commit: UInt64?

    init(hard: HardState? = nil, entries: [LogEntry]? = nil, commit: UInt64? = nil) {
        self.hard = hard
        self.entries = entries?.map { Entry(t: $0.term, i: $0.index, d: String(decoding: $0.data, as: UTF8.self)) }
        self.commit = commit
    }

    var logEntries: [LogEntry] { (entries ?? []).map { LogEntry(term: $0.t, index: $0.i, data: Array($0.d.utf8)) } }

    func encoded() -> [UInt8] { (try? JSONValueEncoder.bytes(self)) ?? [] }

    /// Rebuilds the persisted state from the log's records.
    static func recover(_ records: [[UInt8]]) throws -> (HardState, RaftLog, UInt64) {
        var hard = HardState()
        var log = RaftLog()
        var commit: UInt64 = 0
        for bytes in records {
            let record = try JSONValueDecoder.decode(LogRecord.self, from: bytes)
            if let value = record.hard { hard = value }
            if record.entries != nil { log.restore(record.logEntries) }
            if let value = record.commit { commit = max(commit, value) }
        }
        return (hard, log, min(commit, log.lastIndex))
    }
}
