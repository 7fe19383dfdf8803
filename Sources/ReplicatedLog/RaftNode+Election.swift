extension RaftNode {
    /// Asks whether a campaign in the next term could win, without changing term (pre-vote).
    mutating func preCampaign() {
        role = .preCandidate
        leader = nil
        votes = [configuration.id]
        resetElectionTimer()
        if votes.count >= configuration.quorum { return campaign(transfer: false) }
        for peer in configuration.peers {
            send(.requestVote(term: term + 1, lastIndex: log.lastIndex, lastTerm: log.lastTerm, preVote: true, transfer: false), to: peer)
        }
    }

    mutating func campaign(transfer: Bool) {
        hardState.term += 1
        hardState.votedFor = configuration.id
        hardStateDirty = true
        role = .candidate
        leader = nil
        votes = [configuration.id]
        resetElectionTimer()
        if votes.count >= configuration.quorum {
            becomeLeader()
            return
        }
        for peer in configuration.peers {
            send(.requestVote(term: term, lastIndex: log.lastIndex, lastTerm: log.lastTerm, preVote: false, transfer: transfer), to: peer)
        }
    }

    mutating func becomeFollower(term newTerm: UInt64, leader newLeader: String?) {
        if newTerm > hardState.term {
            hardState.term = newTerm
            hardState.votedFor = nil
            hardStateDirty = true
        }
        if role == .leader { stepDownCleanup() }
        role = .follower
        leader = newLeader
        votes = []
        resetElectionTimer()
    }

    /// A leader that stops leading can confirm no more reads.
    mutating func stepDownCleanup() {
        ready.failedReads.append(contentsOf: pendingReads.map(\.id) + deferredReads)
        pendingReads = []
        deferredReads = []
        transferee = nil
        snapshotting = [:]
    }

    mutating func becomeLeader() {
        role = .leader
        leader = configuration.id
        heartbeatElapsed = 0
        recentlyActive = []
        electionElapsed = 0
        readRound = 0
        ackedRound = [:]
        transferee = nil
        for peer in configuration.peers {
            next[peer] = log.lastIndex + 1
            match[peer] = 0
        }
        probing = []
        snapshotting = [:]
        // A no-op in the new term lets the leader commit what earlier leaders left behind.
        appendLocal(LogEntry(term: term, index: log.lastIndex + 1, data: []))
    }

    mutating func handleRequestVote(from candidate: String, term requested: UInt64, lastIndex: UInt64, lastTerm: UInt64, preVote: Bool) {
        let upToDate = log.isUpToDate(lastIndex: lastIndex, lastTerm: lastTerm)
        if rebuilding {
            // Damaged state: it may have voted in this term before and forgotten it.
            send(.voteResponse(term: preVote ? requested : term, granted: false, preVote: preVote), to: candidate)
            return
        }
        if preVote {
            // Would vote in `requested` (> our term, checked by `step`) for an up-to-date log.
            let granted = requested > term && upToDate
            send(.voteResponse(term: granted ? requested : term, granted: granted, preVote: true), to: candidate)
            return
        }
        let canVote = hardState.votedFor == nil || hardState.votedFor == candidate
        let granted = canVote && role != .leader && upToDate
        if granted {
            hardState.votedFor = candidate
            hardStateDirty = true
            resetElectionTimer()
        }
        send(.voteResponse(term: term, granted: granted, preVote: false), to: candidate)
    }

    mutating func handleVoteResponse(from voter: String, granted: Bool, preVote: Bool) {
        guard granted else { return }
        if preVote {
            guard role == .preCandidate else { return }
            votes.insert(voter)
            if votes.count >= configuration.quorum { campaign(transfer: false) }
            return
        }
        guard role == .candidate else { return }
        votes.insert(voter)
        if votes.count >= configuration.quorum { becomeLeader() }
    }

    /// Hands leadership to `target` (or the most up-to-date follower): proposals are refused
    /// meanwhile; once the follower holds the whole log it is told to campaign at once. Gives up
    /// after an election timeout. Returns the follower chosen, or nil when not leading.
    @discardableResult
    public mutating func transferLeadership(to target: String? = nil) -> String? {
        guard role == .leader, let chosen = target ?? configuration.peers.max(by: { (match[$0] ?? 0, $1) < (match[$1] ?? 0, $0) }) else {
            return nil
        }
        transferee = chosen
        transferElapsed = 0
        if match[chosen] ?? 0 >= log.lastIndex {
            send(.timeoutNow(term: term), to: chosen, now: true)
        } else {
            sendAppend(to: chosen, allowEmpty: true)
        }
        return chosen
    }
}
