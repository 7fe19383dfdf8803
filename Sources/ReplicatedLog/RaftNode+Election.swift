extension RaftNode {
    mutating func campaign() {
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
            send(.requestVote(term: term, lastIndex: log.lastIndex, lastTerm: log.lastTerm), to: peer)
        }
    }

    mutating func becomeFollower(term newTerm: UInt64, leader newLeader: String?) {
        if newTerm > hardState.term {
            hardState.term = newTerm
            hardState.votedFor = nil
            hardStateDirty = true
        }
        role = .follower
        leader = newLeader
        votes = []
        resetElectionTimer()
    }

    mutating func becomeLeader() {
        role = .leader
        leader = configuration.id
        heartbeatElapsed = 0
        recentlyActive = []
        electionElapsed = 0
        for peer in configuration.peers {
            next[peer] = log.lastIndex + 1
            match[peer] = 0
        }
        probing = []
        // A no-op in the new term lets the leader commit what earlier leaders left behind.
        appendLocal(LogEntry(term: term, index: log.lastIndex + 1, data: []))
    }

    mutating func handleRequestVote(from candidate: String, lastIndex: UInt64, lastTerm: UInt64) {
        let canVote = hardState.votedFor == nil || hardState.votedFor == candidate
        let granted = canVote && role != .leader && log.isUpToDate(lastIndex: lastIndex, lastTerm: lastTerm)
        if granted {
            hardState.votedFor = candidate
            hardStateDirty = true
            resetElectionTimer()
        }
        send(.voteResponse(term: term, granted: granted), to: candidate)
    }

    mutating func handleVoteResponse(from voter: String, granted: Bool) {
        guard role == .candidate, granted else { return }
        votes.insert(voter)
        if votes.count >= configuration.quorum { becomeLeader() }
    }
}
