extension RegisterCoordinatorCore {
    /// One running read or write, and the calls that joined it (the same request id).
    struct Operation: Sendable {
        let key: String
        /// The value a write stores (nil: a delete); unused by reads.
        let value: String?
        let requestID: String?
        var phase: Phase
        var joiners: [OperationID] = []
    }

    enum Phase: Sendable {
        /// Created, its first phase not begun yet.
        case starting
        /// Gathering a majority of answers to a query; `write`: the operation is a write.
        case query(QueryPhase, write: Bool)
        /// Storing `entry` on a majority, then completing with `outcome`.
        case store(QuorumCount, entry: Entry, outcome: Outcome)
        case offer(OfferPhase)
    }

    /// Answers to one phase: each participant counts once, success or failure.
    struct QuorumCount: Sendable {
        var settled: Set<String> = []
        var successes = 0
        var failures: [String] = []

        /// Counts `participant`'s answer; false when it had already answered.
        mutating func count(_ participant: String, succeeded: Bool, reason: String = "") -> Bool {
            guard settled.insert(participant).inserted else { return false }
            if succeeded { successes += 1 } else { failures.append("\(participant): \(reason)") }
            return true
        }
    }

    struct QueryPhase: Sendable {
        var count = QuorumCount()
        var replies: [Entry?] = []
        /// The peers in the order they may be asked; `asked` of them were.
        let order: [String]
        var asked: Int
    }

    struct OfferPhase: Sendable {
        var round: OfferRound
        let entry: Entry
        var answered: Set<String> = []
        /// This node's prepared copy: nil until durable (or failed).
        var localDurable: Bool?
        /// The round asked for the local copy (`storeLocally`), so it is shown.
        var revealed = false
    }
}
