/// How a leader lets commands into the log, as the machine's `admission(of:)` says.
///
/// A conditional command (`proposeAfter(key:)`, such as a vote that names the etag it saw) that
/// arrives while a proposal touching the same key is pending here waits for that proposal to
/// apply and is then judged again: when the pending one changed what the condition names, the
/// machine can refuse the waiting one at once (`answer`), so several clients racing with the same
/// etag cost one log entry, not one each, and the losers hear as soon as the winner applies
/// instead of after their own entries commit.
///
/// Guarantees: a command answered without the log gets the output applying it would have given
/// (the machine's promise in `LogAdmission`); it is judged only by a replica that leads, on a
/// machine that has applied everything this leader committed, with nothing of its own pending on
/// that key; held commands go into the log in arrival order per key, each at most once;
/// a replica that stops leading fails what it holds with `leadershipChanged` (they never
/// entered the log here, so a retry elsewhere is safe). Pending counts belong to one term: a
/// proposal from an earlier term never holds anything back.
extension LogReplicaCore {
    /// A command in the log, waiting to commit.
    struct Proposal: Sendable {
        var term: UInt64
        var ticket: Ticket
        /// The key it touches, counted in `pendingByKey` while `term == pendingTerm`.
        var key: String?
    }

    /// A conditional command waiting for its key to be free.
    struct HeldCommand: Sendable {
        var ticket: Ticket
        var command: Machine.Command
        var data: [UInt8]
    }

    /// Commands held back at this replica now (for figures and tests).
    public var heldBackCount: Int { heldBack.values.reduce(0) { $0 + $1.count } }

    mutating func admit(_ command: Machine.Command, data: [UInt8], ticket: Ticket) -> Failure? {
        guard raft.isLeader else { return append(data, ticket: ticket, key: nil) }
        forgetPendingOfEarlierTerms()
        switch machine.admission(of: command) {
        case .answer(let output):
            decided.append((ticket, .success(output), nil))
            return nil
        case .propose(let key):
            return append(data, ticket: ticket, key: key)
        case .proposeAfter(let key):
            if pendingByKey[key] != nil || heldBack[key] != nil {
                heldBack[key, default: []].append(HeldCommand(ticket: ticket, command: command, data: data))
                return nil
            }
            return append(data, ticket: ticket, key: key)
        }
    }

    /// Appends `data` as a proposal touching `key`; the refusal when this replica cannot.
    mutating func append(_ data: [UInt8], ticket: Ticket, key: String?) -> Failure? {
        switch raft.propose(data) {
        case .appended(let index, let term):
            proposals[index] = Proposal(term: term, ticket: ticket, key: key)
            if let key, term == pendingTerm { pendingByKey[key, default: 0] += 1 }
            return nil
        case .notLeader(let leader):
            return .notLeader(leader: leader)
        }
    }

    @discardableResult
    mutating func removeProposal(at index: UInt64) -> Proposal? {
        guard let proposal = proposals.removeValue(forKey: index) else { return nil }
        if let key = proposal.key, proposal.term == pendingTerm, let count = pendingByKey[key] {
            pendingByKey[key] = count > 1 ? count - 1 : nil
        }
        return proposal
    }

    /// Pending counts are for the current term at a leader only.
    mutating func forgetPendingOfEarlierTerms() {
        guard pendingTerm != raft.term || !raft.isLeader else { return }
        pendingByKey = [:]
        pendingTerm = raft.term
    }

    /// After applying: fails what a replica that no longer leads holds, lets held commands on
    /// free keys go (in arrival order, each judged again), and hands over the answers given.
    mutating func settleHeldBack(into effects: inout Effects) {
        forgetPendingOfEarlierTerms()
        if !raft.isLeader {
            for key in heldBack.keys.sorted() {
                for held in heldBack[key] ?? [] { decided.append((held.ticket, .failure(.leadershipChanged), nil)) }
            }
            heldBack = [:]
        }
        for key in heldBack.keys.sorted() where pendingByKey[key] == nil {
            while pendingByKey[key] == nil, var queue = heldBack[key], !queue.isEmpty {
                let held = queue.removeFirst()
                heldBack[key] = queue.isEmpty ? nil : queue
                let failure: Failure?
                switch machine.admission(of: held.command) {
                case .answer(let output):
                    decided.append((held.ticket, .success(output), nil))
                    continue
                case .propose(let touching):
                    failure = append(held.data, ticket: held.ticket, key: touching)
                case .proposeAfter(let key):
                    failure = append(held.data, ticket: held.ticket, key: key)
                }
                if failure == nil {
                    effects.proposedMore = true
                } else {
                    // Handing leadership over: nothing goes in here any more.
                    decided.append((held.ticket, .failure(.leadershipChanged), nil))
                }
            }
        }
        effects.completed += decided
        decided = []
    }
}
