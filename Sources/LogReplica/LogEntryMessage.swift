public import ReplicatedLog
public import RPC

/// `log.v1.Entry` (the command travels as JSON text).
struct LogEntryMessage: ProtoMessage, Equatable {
    static let schema = MessageSchema("log.v1.Entry", [
        FieldSchema("term", 1, .uint64), FieldSchema("index", 2, .uint64), FieldSchema("data", 3, .string),
    ])
    var entry: LogEntry

    init(_ entry: LogEntry) { self.entry = entry }

    init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        entry = LogEntry(term: try r.uint64("term") ?? 0, index: try r.uint64("index") ?? 0, data: Array((try r.string("data") ?? "").utf8))
    }

    func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("term", entry.term)
        try w.write("index", entry.index)
        try w.write("data", String(decoding: entry.data, as: UTF8.self))
    }
}

/// `log.v1.Message`: a `RaftMessage` on the wire (snapshots travel as `SnapshotChunk`s instead).
public struct RaftMessageWire: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.Message", [
        FieldSchema("kind", 1, .string), FieldSchema("term", 2, .uint64), FieldSchema("last_index", 3, .uint64),
        FieldSchema("last_term", 4, .uint64), FieldSchema("granted", 5, .bool), FieldSchema("prev_index", 6, .uint64),
        FieldSchema("prev_term", 7, .uint64), FieldSchema("entries", 8, .message { LogEntryMessage.schema }, .repeated),
        FieldSchema("commit", 9, .uint64), FieldSchema("success", 10, .bool), FieldSchema("match", 11, .uint64),
        FieldSchema("hint", 12, .uint64), FieldSchema("pre_vote", 13, .bool), FieldSchema("transfer", 14, .bool),
        FieldSchema("round", 15, .uint64),
    ])
    public var message: RaftMessage

    public init(_ message: RaftMessage) { self.message = message }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        let term = try r.uint64("term") ?? 0
        switch try r.string("kind") ?? "" {
        case "request_vote":
            message = .requestVote(term: term, lastIndex: try r.uint64("lastIndex") ?? 0, lastTerm: try r.uint64("lastTerm") ?? 0,
                                   preVote: try r.bool("preVote") ?? false, transfer: try r.bool("transfer") ?? false)
        case "vote_response":
            message = .voteResponse(term: term, granted: try r.bool("granted") ?? false, preVote: try r.bool("preVote") ?? false)
        case "append_entries":
            message = .appendEntries(term: term, prevIndex: try r.uint64("prevIndex") ?? 0, prevTerm: try r.uint64("prevTerm") ?? 0,
                                     entries: try r.repeated("entries", of: LogEntryMessage.self).map(\.entry),
                                     commit: try r.uint64("commit") ?? 0, round: try r.uint64("round") ?? 0)
        case "append_response":
            message = .appendResponse(term: term, success: try r.bool("success") ?? false, match: try r.uint64("match") ?? 0,
                                      hint: try r.uint64("hint") ?? 0, round: try r.uint64("round") ?? 0)
        case "timeout_now":
            message = .timeoutNow(term: term)
        case let other:
            throw ConnectError(.invalidArgument, "field \"kind\": unknown log message kind \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("term", message.term)
        switch message {
        case .requestVote(_, let lastIndex, let lastTerm, let preVote, let transfer):
            try w.write("kind", "request_vote")
            try w.write("lastIndex", lastIndex)
            try w.write("lastTerm", lastTerm)
            try w.write("preVote", preVote)
            try w.write("transfer", transfer)
        case .voteResponse(_, let granted, let preVote):
            try w.write("kind", "vote_response")
            try w.write("granted", granted)
            try w.write("preVote", preVote)
        case .appendEntries(_, let prevIndex, let prevTerm, let entries, let commit, let round):
            try w.write("kind", "append_entries")
            try w.write("prevIndex", prevIndex)
            try w.write("prevTerm", prevTerm)
            try w.write("entries", entries.map(LogEntryMessage.init))
            try w.write("commit", commit)
            try w.write("round", round)
        case .appendResponse(_, let success, let match, let hint, let round):
            try w.write("kind", "append_response")
            try w.write("success", success)
            try w.write("match", match)
            try w.write("hint", hint)
            try w.write("round", round)
        case .timeoutNow:
            try w.write("kind", "timeout_now")
        case .installSnapshot:
            // Never sent as a message (LogSender streams it as chunks): an empty kind is refused.
            try w.write("kind", "install_snapshot")
        }
    }
}
