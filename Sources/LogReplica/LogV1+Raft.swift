public import ReplicatedLog
public import RPC

// Conversions between the generated `log.v1` messages and the Raft core's values.

extension LogV1.Entry {
    /// The command travels as JSON text.
    public init(_ entry: LogEntry) {
        self.init(term: entry.term, index: entry.index, data: String(decoding: entry.data, as: UTF8.self))
    }

    public var logEntry: LogEntry { LogEntry(term: term, index: index, data: Array(data.utf8)) }
}

extension LogV1.Message {
    /// A `RaftMessage` on the wire (snapshots travel as `SnapshotChunk`s instead).
    public init(_ message: RaftMessage) {
        self.init(term: message.term)
        switch message {
        case .requestVote(_, let lastIndex, let lastTerm, let preVote, let transfer):
            kind = "request_vote"
            self.lastIndex = lastIndex
            self.lastTerm = lastTerm
            self.preVote = preVote
            self.transfer = transfer
        case .voteResponse(_, let granted, let preVote):
            kind = "vote_response"
            self.granted = granted
            self.preVote = preVote
        case .appendEntries(_, let prevIndex, let prevTerm, let entries, let commit, let round):
            kind = "append_entries"
            self.prevIndex = prevIndex
            self.prevTerm = prevTerm
            self.entries = entries.map(LogV1.Entry.init)
            self.commit = commit
            self.round = round
        case .appendResponse(_, let success, let match, let hint, let round):
            kind = "append_response"
            self.success = success
            self.match = match
            self.hint = hint
            self.round = round
        case .timeoutNow:
            kind = "timeout_now"
        case .installSnapshot:
            // Never sent as a message (LogSender streams it as chunks): the kind is refused.
            kind = "install_snapshot"
        }
    }

    /// The Raft message; an unknown `kind` is `invalid_argument`.
    public func raftMessage() throws(ConnectError) -> RaftMessage {
        switch kind {
        case "request_vote": .requestVote(term: term, lastIndex: lastIndex, lastTerm: lastTerm, preVote: preVote, transfer: transfer)
        case "vote_response": .voteResponse(term: term, granted: granted, preVote: preVote)
        case "append_entries":
            .appendEntries(term: term, prevIndex: prevIndex, prevTerm: prevTerm, entries: entries.map(\.logEntry), commit: commit, round: round)
        case "append_response": .appendResponse(term: term, success: success, match: match, hint: hint, round: round)
        case "timeout_now": .timeoutNow(term: term)
        default: throw ConnectError(.invalidArgument, "field \"kind\": unknown log message kind \"\(kind)\"")
        }
    }
}

extension [LogV1.Message] {
    public init(_ messages: [RaftMessage]) { self = messages.map(LogV1.Message.init) }

    /// Every message as Raft's; one unknown kind refuses them all.
    public func raftMessages() throws(ConnectError) -> [RaftMessage] {
        var out: [RaftMessage] = []
        out.reserveCapacity(count)
        for message in self { out.append(try message.raftMessage()) }
        return out
    }
}
