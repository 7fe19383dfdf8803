extension RaftNode {
    /// What became of a read request.
    public enum ReadOutcome: Sendable, Equatable {
        /// The leader will confirm it (in a later Ready's `reads`) or fail it (`failedReads`).
        case pending
        case notLeader(leader: String?)
    }

    /// Asks for a linearizable read (ReadIndex, §6.4 of the Raft thesis): the leader notes its
    /// commit index, confirms with a round of heartbeats that a majority still follows it, and
    /// then reports the read in `RaftReady.reads`; the shell answers it once the state machine
    /// has applied up to that index. No log entry is written. A leader that has not committed
    /// an entry of its own term yet defers the read until it has (its commit index may lag).
    public mutating func readIndex(id: UInt64) -> ReadOutcome {
        guard role == .leader else { return .notLeader(leader: leader) }
        guard log.term(at: commitIndex) == term else {
            deferredReads.append(id)
            return .pending
        }
        startRead(id)
        return .pending
    }

    mutating func startRead(_ id: UInt64) {
        // Reads asked in one turn share a round: bump it once per batch of heartbeats.
        if pendingReads.last?.round != readRound + 1 {
            readRound += 1
            for peer in configuration.peers { sendHeartbeat(to: peer) }
        }
        pendingReads.append((id, commitIndex, readRound))
        confirmReads()
    }

    /// Reports the reads whose round a majority (this leader included) has echoed.
    mutating func confirmReads() {
        guard !pendingReads.isEmpty else { return }
        var rounds = configuration.peers.map { ackedRound[$0] ?? 0 }
        rounds.append(readRound)
        rounds.sort(by: >)
        let confirmed = rounds[configuration.quorum - 1]
        let (done, waiting) = (pendingReads.filter { $0.round <= confirmed }, pendingReads.filter { $0.round > confirmed })
        pendingReads = waiting
        ready.reads.append(contentsOf: done.map { ReadState(id: $0.id, index: $0.index) })
    }

    /// Reads deferred until this leader committed in its term.
    mutating func releaseDeferredReads() {
        guard !deferredReads.isEmpty, log.term(at: commitIndex) == term else { return }
        let ids = deferredReads
        deferredReads = []
        for id in ids { startRead(id) }
    }
}
