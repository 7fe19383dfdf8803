/// The messages replicas exchange. Every message carries its sender's term.
public enum RaftMessage: Sendable, Equatable, Codable {
    /// A candidate asks for a vote; `lastIndex`/`lastTerm` describe its log.
    case requestVote(term: UInt64, lastIndex: UInt64, lastTerm: UInt64)
    case voteResponse(term: UInt64, granted: Bool)
    /// The leader's entries after `prevIndex` (none for a heartbeat), and how far it has committed.
    case appendEntries(term: UInt64, prevIndex: UInt64, prevTerm: UInt64, entries: [LogEntry], commit: UInt64)
    /// On success, `match`: the follower's log agrees with the leader's up to here (durably).
    /// On refusal, `match` is the refused `prevIndex` and `hint` the highest index worth trying next.
    case appendResponse(term: UInt64, success: Bool, match: UInt64, hint: UInt64)

    public var term: UInt64 {
        switch self {
        case .requestVote(let term, _, _), .voteResponse(let term, _), .appendEntries(let term, _, _, _, _),
             .appendResponse(let term, _, _, _):
            term
        }
    }
}

/// A message and its destination.
public struct OutgoingMessage: Sendable, Equatable {
    public var to: String
    public var message: RaftMessage

    public init(to: String, message: RaftMessage) {
        self.to = to
        self.message = message
    }
}
