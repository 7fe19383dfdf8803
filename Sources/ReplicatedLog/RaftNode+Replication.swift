extension RaftNode {
    /// Feeds a message from `peer`.
    public mutating func step(_ message: RaftMessage, from peer: String) {
        guard peer != configuration.id, configuration.members.contains(peer) else { return }
        if message.term > term {
            switch message {
            case .requestVote(_, _, _, let preVote, let transfer):
                // Heard from a live leader recently: a disruptive candidate (one that was cut off)
                // must not depose it, unless the leader itself handed over.
                if inLeaderLease && !transfer { return }
                // A pre-vote changes no term: answered below at our own.
                if !preVote { becomeFollower(term: message.term, leader: nil) }
            case .voteResponse(_, let granted, let preVote) where preVote && granted:
                break  // the term we asked about, not one anybody is in
            case .appendEntries, .installSnapshot, .timeoutNow:
                becomeFollower(term: message.term, leader: peer)
            default:
                becomeFollower(term: message.term, leader: nil)
            }
        } else if message.term < term {
            switch message {
            case .appendEntries, .installSnapshot:
                // Tells a stale leader that a newer term exists.
                send(.appendResponse(term: term, success: false, match: 0, hint: 0, round: 0), to: peer)
            case .requestVote(_, _, _, let preVote, _):
                send(.voteResponse(term: term, granted: false, preVote: preVote), to: peer)
            default:
                break
            }
            return
        }
        switch message {
        case .requestVote(let requested, let lastIndex, let lastTerm, let preVote, _):
            handleRequestVote(from: peer, term: requested, lastIndex: lastIndex, lastTerm: lastTerm, preVote: preVote)
        case .voteResponse(_, let granted, let preVote):
            handleVoteResponse(from: peer, granted: granted, preVote: preVote)
        case .appendEntries(_, let prevIndex, let prevTerm, let entries, let commit, let round):
            followLeader(peer)
            handleAppend(from: peer, prevIndex: prevIndex, prevTerm: prevTerm, entries: entries, commit: commit, round: round)
        case .installSnapshot(_, let index, let snapshotTerm, let data):
            followLeader(peer)
            handleInstallSnapshot(from: peer, index: index, snapshotTerm: snapshotTerm, data: data)
        case .appendResponse(_, let success, let matched, let hint, let round):
            handleAppendResponse(from: peer, success: success, matched: matched, hint: hint, round: round)
        case .timeoutNow:
            // The leader hands over to us: campaign at once (no pre-vote: it would be refused
            // by followers still in the old leader's lease).
            if !rebuilding, role != .leader { campaign(transfer: true) }
        }
    }

    mutating func followLeader(_ peer: String) {
        if role != .follower || leader != peer { becomeFollower(term: term, leader: peer) }
        electionElapsed = 0
    }

    mutating func handleAppend(from leader: String, prevIndex: UInt64, prevTerm: UInt64, entries: [LogEntry], commit: UInt64, round: UInt64) {
        var prevIndex = prevIndex
        var entries = entries
        if prevIndex < log.snapshotIndex {
            // What our snapshot covers is committed, so it matches: skip it.
            entries.removeAll { $0.index <= log.snapshotIndex }
            prevIndex = log.snapshotIndex
            guard entries.first.map({ $0.index == prevIndex + 1 }) ?? true else {
                send(.appendResponse(term: term, success: false, match: prevIndex, hint: log.lastIndex, round: round), to: leader)
                return
            }
        } else if log.term(at: prevIndex) != prevTerm {
            send(.appendResponse(term: term, success: false, match: prevIndex, hint: conflictHint(prevIndex), round: round), to: leader)
            return
        }
        for entry in entries {
            if let existing = log.term(at: entry.index) {
                if existing == entry.term { continue }
                guard entry.index > commitIndex else {
                    // Only a broken shell (acknowledging before persisting) gets here; committed
                    // entries are never rewritten.
                    send(.appendResponse(term: term, success: false, match: prevIndex, hint: commitIndex, round: round), to: leader)
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
        if rebuilding, rebuildTarget == nil { rebuildTarget = commit }
        checkRebuilt()
        send(.appendResponse(term: term, success: true, match: lastNew, hint: 0, round: round), to: leader)
    }

    /// A rebuilding replica is whole again once it durably holds its first leader's commit index.
    mutating func checkRebuilt() {
        guard rebuilding, let target = rebuildTarget, persistedIndex >= target, commitIndex >= target, let leader else { return }
        rebuilding = false
        rebuildTarget = nil
        // It may have voted in this term before the damage: count that vote as the leader's.
        hardState.votedFor = leader
        hardStateDirty = true
        ready.rebuilt = true
    }

    /// Where a leader should probe after a refusal at `prevIndex`: our last index if our log is
    /// shorter, otherwise just before the conflicting term's first entry (skipping a whole
    /// stale term per round trip), never below what we know is committed.
    func conflictHint(_ prevIndex: UInt64) -> UInt64 {
        guard prevIndex <= log.lastIndex, let conflicting = log.term(at: prevIndex) else { return log.lastIndex }
        var index = prevIndex
        while index > commitIndex + 1, index > log.firstIndex, log.term(at: index - 1) == conflicting { index -= 1 }
        return max(commitIndex, index - 1)
    }

    mutating func handleAppendResponse(from peer: String, success: Bool, matched: UInt64, hint: UInt64, round: UInt64) {
        guard role == .leader else { return }
        recentlyActive.insert(peer)
        if round > ackedRound[peer] ?? 0 {
            ackedRound[peer] = round
            confirmReads()
        }
        let known = match[peer] ?? 0
        if success {
            if matched > known { match[peer] = matched }
            if let pending = snapshotting[peer], matched >= pending { snapshotting[peer] = nil }
            if probing.contains(peer) {
                probing.remove(peer)
                next[peer] = (match[peer] ?? 0) + 1
            } else {
                next[peer] = max(next[peer] ?? 1, (match[peer] ?? 0) + 1)
            }
            maybeCommit()
            if transferee == peer, match[peer] ?? 0 >= log.lastIndex {
                send(.timeoutNow(term: term), to: peer, now: true)
            }
            sendAppend(to: peer, allowEmpty: false)
            return
        }
        // Refusals of heartbeats that raced with a snapshot in flight say nothing new.
        if snapshotting[peer] != nil { return }
        if hint < known {
            // The follower holds less than it once acknowledged: its storage was damaged and it
            // is rebuilding. Find where its log ends again.
            match[peer] = 0
            snapshotting[peer] = nil
            probing.insert(peer)
            next[peer] = hint + 1
            sendAppend(to: peer, allowEmpty: true)
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
    /// the commit index and the read round, and (when refused) reveals where a follower's log
    /// ends. A peer whose next entries were compacted away gets the snapshot instead.
    mutating func sendHeartbeat(to peer: String) {
        let prevIndex = min(next[peer] ?? 1, log.lastIndex + 1) - 1
        guard prevIndex >= log.snapshotIndex else { return sendSnapshot(to: peer) }
        send(.appendEntries(term: term, prevIndex: prevIndex, prevTerm: log.term(at: prevIndex) ?? 0, entries: [],
                            commit: min(commitIndex, prevIndex), round: readRound), to: peer, now: true)
        sentCommit[peer] = min(commitIndex, prevIndex)
    }

    /// Sends `peer` the entries from its next index (optimistically assuming they arrive), or
    /// the snapshot when those entries were compacted away.
    mutating func sendAppend(to peer: String, allowEmpty: Bool) {
        if snapshotting[peer] != nil { return }
        if probing.contains(peer), !allowEmpty { return }
        let nextIndex = min(next[peer] ?? 1, log.lastIndex + 1)
        if nextIndex <= log.snapshotIndex {
            sendSnapshot(to: peer)
            return
        }
        let entries = log.entries(from: nextIndex, limit: configuration.maxEntriesPerMessage)
        guard allowEmpty || !entries.isEmpty else { return }
        let prevIndex = nextIndex - 1
        let message = RaftMessage.appendEntries(term: term, prevIndex: prevIndex, prevTerm: log.term(at: prevIndex) ?? 0,
                                                entries: entries, commit: commitIndex, round: readRound)
        send(message, to: peer, now: true)
        sentCommit[peer] = commitIndex
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
        releaseDeferredReads()
    }
}
