/// The messages replicas exchange. Every message carries its sender's term.
public enum RaftMessage: Sendable, Equatable {
    /// A candidate asks for a vote; `lastIndex`/`lastTerm` describe its log. `preVote`: only
    /// asks whether a vote would be granted in `term` (nobody changes term for it); `transfer`:
    /// the leader handed over leadership, so followers must not wait out their leader lease.
    case requestVote(term: UInt64, lastIndex: UInt64, lastTerm: UInt64, preVote: Bool, transfer: Bool)
    case voteResponse(term: UInt64, granted: Bool, preVote: Bool)
    /// The leader's entries after `prevIndex` (none for a heartbeat), how far it has committed,
    /// and its read round (echoed in the answer: it proves leadership for reads asked before it).
    case appendEntries(term: UInt64, prevIndex: UInt64, prevTerm: UInt64, entries: [LogEntry], commit: UInt64, round: UInt64)
    /// On success, `match`: the follower's log agrees with the leader's up to here (durably).
    /// On refusal, `match` is the refused `prevIndex` and `hint` the highest index worth trying next.
    case appendResponse(term: UInt64, success: Bool, match: UInt64, hint: UInt64, round: UInt64)
    /// The leader's state-machine snapshot up to (`index`, `snapshotTerm`), for a follower whose
    /// next entries were compacted away (the shell moves `data` in checksummed chunks).
    case installSnapshot(term: UInt64, index: UInt64, snapshotTerm: UInt64, data: [UInt8])
    /// From a leader handing over: campaign now, without waiting for a timeout or a pre-vote.
    case timeoutNow(term: UInt64)

    public var term: UInt64 {
        switch self {
        case .requestVote(let term, _, _, _, _), .voteResponse(let term, _, _), .appendEntries(let term, _, _, _, _, _),
             .appendResponse(let term, _, _, _, _), .installSnapshot(let term, _, _, _), .timeoutNow(let term):
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
