import JSON
import Foundation
import ReplicatedLog
import Storage

/// What a `LogReplica` writes to its write-ahead log: a new term/vote, entries replacing the log
/// from their first index, or a commit index; and, as the log's snapshot, `LogSnapshot`.
struct LogRecord: Codable {
    struct Entry: Codable {
        var t: UInt64
        var i: UInt64
        var d: String

        init(_ entry: LogEntry) {
            t = entry.term
            i = entry.index
            d = String(decoding: entry.data, as: UTF8.self)
        }

        var entry: LogEntry { LogEntry(term: t, index: i, data: Array(d.utf8)) }
    }

    var hard: HardState?
    var entries: [Entry]?
    var commit: UInt64?

    init(hard: HardState? = nil, entries: [LogEntry]? = nil, commit: UInt64? = nil) {
        self.hard = hard
        self.entries = entries?.map(Entry.init)
        self.commit = commit
    }

    /// The record's JSON, written directly (every append of the log's entries takes this path):
    /// the same bytes `Codable` gives, which `recover` reads back.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + (entries ?? []).reduce(0) { $0 + $1.d.utf8.count + 32 })
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        if let hard {
            key("hard")
            out.append(contentsOf: #"{"term":"#.utf8)
            out.append(contentsOf: String(hard.term).utf8)
            if let votedFor = hard.votedFor {
                out.append(contentsOf: #","votedFor":"#.utf8)
                JSONWriter.writeString(votedFor, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        if let entries {
            key("entries")
            out.append(UInt8(ascii: "["))
            for (position, entry) in entries.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"t":"#.utf8)
                out.append(contentsOf: String(entry.t).utf8)
                out.append(contentsOf: #","i":"#.utf8)
                out.append(contentsOf: String(entry.i).utf8)
                out.append(contentsOf: #","d":"#.utf8)
                JSONWriter.writeString(entry.d, into: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        if let commit {
            key("commit")
            out.append(contentsOf: String(commit).utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// What a replica restarts from.
    struct Recovered {
        var hard = HardState()
        var log = RaftLog()
        var commit: UInt64 = 0
        /// The machine's image at `log.snapshotIndex`, when a snapshot was taken.
        var machine: [UInt8]?
    }

    /// Rebuilds the persisted state from what the write-ahead log held.
    static func recover(_ recovery: WriteAheadLog.Recovery?) throws -> Recovered {
        var recovered = Recovered()
        if let bytes = recovery?.snapshot {
            let snapshot = try LogSnapshot.decode(bytes)
            recovered.hard = snapshot.meta.hard
            recovered.log = RaftLog(snapshot.meta.entries.map(\.entry), snapshotIndex: snapshot.meta.index, snapshotTerm: snapshot.meta.term)
            recovered.commit = snapshot.meta.commit
            recovered.machine = snapshot.machine
        }
        for bytes in recovery?.records ?? [] {
            let record = try JSONValueDecoder.decode(LogRecord.self, from: bytes)
            if let value = record.hard { recovered.hard = value }
            if let entries = record.entries { recovered.log.restore(entries.map(\.entry)) }
            if let value = record.commit { recovered.commit = max(recovered.commit, value) }
        }
        recovered.commit = min(recovered.commit, recovered.log.lastIndex)
        return recovered
    }
}

/// The write-ahead log's snapshot for a `LogReplica`: everything earlier records held — the hard
/// state, the commit index, the log's entries after the snapshot — and the machine's image at
/// `index`. Layout: meta length (u32 LE) · meta (JSON) · machine image.
struct LogSnapshot {
    struct Meta: Codable {
        var index: UInt64
        var term: UInt64
        var hard: HardState
        var commit: UInt64
        var entries: [LogRecord.Entry]
    }

    var meta: Meta
    var machine: [UInt8]

    /// The small header (length and meta) and the machine's image, not joined: the write-ahead
    /// log joins them off the caller's thread (the image may be tens of MB).
    func encodedParts() throws -> [[UInt8]] {
        let metaBytes = try JSONValueEncoder.bytes(meta)
        var header: [UInt8] = []
        header.reserveCapacity(4 + metaBytes.count)
        withUnsafeBytes(of: UInt32(metaBytes.count).littleEndian) { header.append(contentsOf: $0) }
        header.append(contentsOf: metaBytes)
        return [header, machine]
    }

    static func decode(_ bytes: [UInt8]) throws -> LogSnapshot {
        guard bytes.count >= 4 else { throw Malformed() }
        let length = Int(UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        guard bytes.count >= 4 + length else { throw Malformed() }
        let meta = try JSONValueDecoder.decode(Meta.self, from: Array(bytes[4..<(4 + length)]))
        return LogSnapshot(meta: meta, machine: Array(bytes[(4 + length)...]))
    }

    /// The bytes are too short for the layout.
    struct Malformed: Error {}
}
