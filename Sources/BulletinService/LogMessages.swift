public import ReplicatedLog
public import RPC

/// `bulletin.v1.LogEntry` (the command travels as a JSON string).
struct LogEntryMessage: ProtoMessage, Equatable {
    static let schema = MessageSchema("bulletin.v1.LogEntry", [
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

/// `bulletin.v1.LogMessage`: a `RaftMessage` on the wire.
public struct LogMessage: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.LogMessage", [
        FieldSchema("kind", 1, .string), FieldSchema("term", 2, .uint64), FieldSchema("last_index", 3, .uint64),
        FieldSchema("last_term", 4, .uint64), FieldSchema("granted", 5, .bool), FieldSchema("prev_index", 6, .uint64),
        FieldSchema("prev_term", 7, .uint64), FieldSchema("entries", 8, .message { LogEntryMessage.schema }, .repeated),
        FieldSchema("commit", 9, .uint64), FieldSchema("success", 10, .bool), FieldSchema("match", 11, .uint64),
        FieldSchema("hint", 12, .uint64),
    ])
    public var message: RaftMessage

    public init(_ message: RaftMessage) { self.message = message }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        let term = try r.uint64("term") ?? 0
        switch try r.string("kind") ?? "" {
        case "request_vote":
            message = .requestVote(term: term, lastIndex: try r.uint64("lastIndex") ?? 0, lastTerm: try r.uint64("lastTerm") ?? 0)
        case "vote_response":
            message = .voteResponse(term: term, granted: try r.bool("granted") ?? false)
        case "append_entries":
            message = .appendEntries(term: term, prevIndex: try r.uint64("prevIndex") ?? 0, prevTerm: try r.uint64("prevTerm") ?? 0,
                                     entries: try r.repeated("entries", of: LogEntryMessage.self).map(\.entry),
                                     commit: try r.uint64("commit") ?? 0)
        case "append_response":
            message = .appendResponse(term: term, success: try r.bool("success") ?? false, match: try r.uint64("match") ?? 0,
                                      hint: try r.uint64("hint") ?? 0)
        case let other:
            throw ConnectError(.invalidArgument, "field \"kind\": unknown log message kind \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("term", message.term)
        switch message {
        case .requestVote(_, let lastIndex, let lastTerm):
            try w.write("kind", "request_vote")
            try w.write("lastIndex", lastIndex)
            try w.write("lastTerm", lastTerm)
        case .voteResponse(_, let granted):
            try w.write("kind", "vote_response")
            try w.write("granted", granted)
        case .appendEntries(_, let prevIndex, let prevTerm, let entries, let commit):
            try w.write("kind", "append_entries")
            try w.write("prevIndex", prevIndex)
            try w.write("prevTerm", prevTerm)
            try w.write("entries", entries.map(LogEntryMessage.init))
            try w.write("commit", commit)
        case .appendResponse(_, let success, let match, let hint):
            try w.write("kind", "append_response")
            try w.write("success", success)
            try w.write("match", match)
            try w.write("hint", hint)
        }
    }
}

/// `bulletin.v1.StepRequest`.
public struct StepRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.StepRequest", [
        FieldSchema("from", 1, .string), FieldSchema("messages", 2, .message { LogMessage.schema }, .repeated),
    ])
    public var from: String
    public var messages: [RaftMessage]

    public init(from: String, messages: [RaftMessage]) {
        self.from = from
        self.messages = messages
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        from = try r.string("from") ?? ""
        messages = try r.repeated("messages", of: LogMessage.self).map(\.message)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("from", from)
        try w.write("messages", messages.map(LogMessage.init))
    }
}

/// `bulletin.v1.StepResponse`.
public struct StepResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.StepResponse", [FieldSchema("messages", 1, .message { LogMessage.schema }, .repeated)])
    public var messages: [RaftMessage]

    public init(messages: [RaftMessage]) { self.messages = messages }

    public init(from decoder: any Decoder) throws {
        messages = try ProtoReader(decoder, Self.schema).repeated("messages", of: LogMessage.self).map(\.message)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("messages", messages.map(LogMessage.init))
    }
}

/// `bulletin.v1.StatusRequest`.
public struct StatusRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.StatusRequest", [])
    public init() {}
    public init(from decoder: any Decoder) throws { _ = try ProtoReader(decoder, Self.schema) }
    public func encode(to encoder: any Encoder) throws { _ = ProtoWriter(encoder) }
}

/// `bulletin.v1.StatusResponse`.
public struct StatusResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.StatusResponse", [
        FieldSchema("leader", 1, .string), FieldSchema("term", 2, .uint64), FieldSchema("commit_index", 3, .uint64),
        FieldSchema("applied_index", 4, .uint64), FieldSchema("role", 5, .string),
    ])
    public var leader: String
    public var term: UInt64
    public var commitIndex: UInt64
    public var appliedIndex: UInt64
    public var role: String

    public init(leader: String, term: UInt64, commitIndex: UInt64, appliedIndex: UInt64, role: String) {
        self.leader = leader
        self.term = term
        self.commitIndex = commitIndex
        self.appliedIndex = appliedIndex
        self.role = role
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        leader = try r.string("leader") ?? ""
        term = try r.uint64("term") ?? 0
        commitIndex = try r.uint64("commitIndex") ?? 0
        appliedIndex = try r.uint64("appliedIndex") ?? 0
        role = try r.string("role") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("leader", leader)
        try w.write("term", term)
        try w.write("commitIndex", commitIndex)
        try w.write("appliedIndex", appliedIndex)
        try w.write("role", role)
    }
}
