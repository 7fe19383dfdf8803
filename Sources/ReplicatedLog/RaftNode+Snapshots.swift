extension RaftNode {
    /// The shell has snapshotted its state machine after applying up to `index`: entries up to
    /// there are dropped, and `data` is what followers that need them get instead.
    public mutating func compact(through index: UInt64, data: [UInt8]) {
        guard index <= appliedIndex, index > log.snapshotIndex else { return }
        log.compact(through: index)
        snapshotData = data
    }

    /// The latest snapshot this replica took or received, if it still has its bytes.
    public var latestSnapshot: SnapshotInstall? {
        snapshotData.map { SnapshotInstall(index: log.snapshotIndex, term: log.snapshotTerm, data: $0) }
    }

    /// Restarting from a persisted snapshot (the machine was restored from `data`): remember it
    /// for followers that will need it.
    public mutating func restoredSnapshot(_ data: [UInt8]) {
        snapshotData = data
    }

    /// A chunk of a snapshot transfer arrived from `peer` (the whole snapshot is stepped as
    /// `installSnapshot` once assembled): whether to take it. A chunk from a deposed leader is
    /// refused, so its stream cannot undo the current leader's; one from the current (or a newer)
    /// leader counts as hearing from it, so a long transfer does not look like a dead leader.
    public mutating func acceptSnapshotChunk(from peer: String, term chunkTerm: UInt64) -> Bool {
        guard peer != configuration.id, configuration.members.contains(peer), chunkTerm >= term else { return false }
        if chunkTerm > term {
            becomeFollower(term: chunkTerm, leader: peer)
        } else if role != .leader {
            followLeader(peer)
        }
        return true
    }

    mutating func sendSnapshot(to peer: String) {
        guard let data = snapshotData, snapshotting[peer] == nil else { return }
        snapshotting[peer] = log.snapshotIndex
        snapshotElapsed[peer] = 0
        send(.installSnapshot(term: term, index: log.snapshotIndex, snapshotTerm: log.snapshotTerm, data: data), to: peer, now: true)
    }

    mutating func handleInstallSnapshot(from leader: String, index: UInt64, snapshotTerm: UInt64, data: [UInt8]) {
        if index <= commitIndex {
            // Nothing new in it: tell the leader how far we are.
            send(.appendResponse(term: term, success: true, match: commitIndex, hint: 0, round: 0), to: leader)
            return
        }
        log.install(snapshotIndex: index, term: snapshotTerm)
        snapshotData = data
        commitIndex = index
        appliedIndex = index
        persistedIndex = max(min(persistedIndex, log.lastIndex), index)
        // Entries kept after the snapshot that were not written yet still must be.
        if let from = dirtyFrom { dirtyFrom = log.lastIndex > index ? max(from, index + 1) : nil }
        ready.committed = []
        ready.snapshot = SnapshotInstall(index: index, term: snapshotTerm, data: data)
        if rebuilding, rebuildTarget == nil { rebuildTarget = index }
        checkRebuilt()
        send(.appendResponse(term: term, success: true, match: index, hint: 0, round: 0), to: leader)
    }
}
