extension RaftNode {
    /// Feeds a message from `peer`.
    public mutating func step(_ message: RaftMessage, from peer: String) {
        guard peer != configuration.id, configuration.members.contains(peer) else { return }
        if message.term > term {
            if case .requestVote = message, leader != nil, electionElapsed < configuration.electionTicks.lowerBound {
                // We heard from a live leader recently: a disruptive candidate (e.g. one that was
                // partitioned away) must not depose it.
                return
            }
            if case .appendEntries = message {
                becomeFollower(term: message.term, leader: peer)
            } else {
                becomeFollower(term: message.term, leader: nil)
            }
        } else if message.term < term {
            switch message {
            case .appendEntries: send(.appendResponse(term: term, success: false, match: 0, hint: 0), to: peer)
            case .requestVote: send(.voteResponse(term: term, granted: false), to: peer)
            default: break
            }
            return
        }
        switch message {
        case .requestVote(_, let lastIndex, let lastTerm):
            handleRequestVote(from: peer, lastIndex: lastIndex, lastTerm: lastTerm)
        case .voteResponse(_, let granted):
            handleVoteResponse(from: peer, granted: granted)
        case .appendEntries(_, let prevIndex, let prevTerm, let entries, let commit):
            if role != .follower || leader != peer { becomeFollower(term: term, leader: peer) }
            electionElapsed = 0
            handleAppend(from: peer, prevIndex: prevIndex, prevTerm: prevTerm, entries: entries, commit: commit)
        case .appendResponse(_, let success, let matched, let hint):
            handleAppendResponse(from: peer, success: success, matched: matched, hint: hint)
        }
    }

    mutating func handleAppend(from leader: String, prevIndex: UInt64, prevTerm: UInt64, entries: [LogEntry], commit: UInt64) {
        guard log.term(at: prevIndex) == prevTerm else {
            send(.appendResponse(term: term, success: false, match: prevIndex, hint: conflictHint(prevIndex)), to: leader)
            return
        }
        for entry in entries {
            if let existing = log.term(at: entry.index) {
                if existing == entry.term { continue }
                guard entry.index > commitIndex else {
                    // Only a broken shell (acknowledging before persisting) gets here; committed
                    // entries are never rewritten.
                    send(.appendResponse(term: term, success: false, match: prevIndex, hint: commitIndex), to: leader)
                    return
                }
                log.truncate(from: entry.index)
                persistedIndex = min(persistedIndex, entry.index - 1)
            }
            appendLocal(entry)
        }
        let lastNew = prevIndex + UInt64(entries.count)
        let newCommit = min(commit, lastNew)
        if newCommit > commitIndex { commitIndex = newCommit }
        send(.appendResponse(term: term, success: true, match: lastNew, hint: 0), to: leader)
    }

    /// Where a leader should probe after a refusal at `prevIndex`: our last index if our log is
    /// shorter, otherwise just before the conflicting term's first entry (skipping a whole
    /// stale term per round trip), never below what we know is committed.
    func conflictHint(_ prevIndex: UInt64) -> UInt64 {
        guard prevIndex <= log.lastIndex, let conflicting = log.term(at: prevIndex) else { return log.lastIndex }
        var index = prevIndex
        while index > commitIndex + 1, log.term(at: index - 1) == conflicting { index -= 1 }
        return max(commitIndex, index - 1)
    }

    mutating func handleAppendResponse(from peer: String, success: Bool, matched: UInt64, hint: UInt64) {
        guard role == .leader else { return }
        recentlyActive.insert(peer)
        let known = match[peer] ?? 0
        if success {
            if matched > known { match[peer] = matched }
            if probing.contains(peer) {
                probing.remove(peer)
                next[peer] = (match[peer] ?? 0) + 1
            } else {
                next[peer] = max(next[peer] ?? 1, (match[peer] ?? 0) + 1)
            }
            maybeCommit()
            sendAppend(to: peer, allowEmpty: false)
            return
        }
        // A refusal of something already matched, or (while probing) of anything but the
        // latest probe, is stale or duplicated: one gap causes one resend.
        guard matched > known else { return }
        if probing.contains(peer), matched != (next[peer] ?? 1) - 1 { return }
        probing.insert(peer)
        next[peer] = max(known + 1, min(hint, matched - 1) + 1)
        sendAppend(to: peer, allowEmpty: true)
    }

    /// An empty append at the peer's next index: keeps followers from campaigning, tells them
    /// the commit index, and (when refused) reveals where a follower's log ends.
    mutating func sendHeartbeat(to peer: String) {
        let prevIndex = min(next[peer] ?? 1, log.lastIndex + 1) - 1
        send(.appendEntries(term: term, prevIndex: prevIndex, prevTerm: log.term(at: prevIndex) ?? 0, entries: [],
                            commit: min(commitIndex, prevIndex)), to: peer, now: true)
    }

    /// Sends `peer` the entries from its next index (optimistically assuming they arrive).
    mutating func sendAppend(to peer: String, allowEmpty: Bool) {
        if probing.contains(peer), !allowEmpty { return }
        let nextIndex = min(next[peer] ?? 1, log.lastIndex + 1)
        let entries = log.entries(from: nextIndex, limit: configuration.maxEntriesPerMessage)
        guard allowEmpty || !entries.isEmpty else { return }
        let prevIndex = nextIndex - 1
        let message = RaftMessage.appendEntries(term: term, prevIndex: prevIndex, prevTerm: log.term(at: prevIndex) ?? 0,
                                                entries: entries, commit: commitIndex)
        send(message, to: peer, now: true)
        // While probing, one message at a time; otherwise pipeline optimistically.
        if !probing.contains(peer) { next[peer] = nextIndex + UInt64(entries.count) }
    }

    /// Commits the highest index a majority holds durably, if it is from this term (§5.4.2).
    mutating func maybeCommit() {
        var held = configuration.peers.map { match[$0] ?? 0 }
        held.append(persistedIndex)
        held.sort(by: >)
        let candidate = held[configuration.quorum - 1]
        guard candidate > commitIndex, log.term(at: candidate) == term else { return }
        commitIndex = candidate
    }
}
