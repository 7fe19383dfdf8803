import ReplicaMath
/// One replica of a Raft-style replicated log, as a pure state machine.
///
/// Events in (`tick`, `step`, `propose`, `readIndex`, `persisted`, `compact`,
/// `transferLeadership`), actions out (`takeReady`); no clocks, sockets or global randomness
/// inside (election timeouts come from a seeded generator).
///
/// Guarantees, when the shell follows `RaftReady`'s order: at most one leader per term; an
/// entry is reported committed only once a majority holds it durably, and a committed entry is
/// never changed or removed; every replica's committed entries are a prefix of the same order; a
/// read is confirmed only by a leader that a majority still followed after the read was asked,
/// at a commit index covering every write acknowledged before it.
/// Liveness aids: pre-vote (a replica that was cut off asks first whether it could win, so it
/// cannot depose a healthy leader by bumping the term), check-quorum (a leader that has not heard
/// from a majority for an election timeout steps down, and followers that heard from a leader
/// recently ignore vote requests), leadership transfer (`timeoutNow` to an up-to-date follower).
/// A replica started `rebuilding` (its durable state was damaged) neither votes nor campaigns
/// until it has caught up with a leader's commit index; its acknowledgements cover only what it
/// really stores.
///
/// Membership is the static `Configuration.members` for now. Room for changes: a configuration
/// would become a log entry (joint consensus or one member at a time, §6 of the Raft thesis),
/// applied when appended rather than committed; `quorum`, the peer loops and vote counting
/// already go through `configuration`, so they would read the latest configuration entry.
public struct RaftNode: Sendable {
    public struct Configuration: Sendable {
        public var id: String
        public var members: [String]
        /// Ticks without hearing from a leader before campaigning, drawn per election from this range.
        public var electionTicks: ClosedRange<Int>
        /// A leader sends heartbeats every this many ticks.
        public var heartbeatTicks: Int
        public var maxEntriesPerMessage: Int
        /// Ask for pre-votes before campaigning (on by default).
        public var preVote: Bool

        public init(id: String, members: [String], electionTicks: ClosedRange<Int> = 10...20, heartbeatTicks: Int = 1,
                    maxEntriesPerMessage: Int = 512, preVote: Bool = true) {
            self.id = id
            self.members = members
            self.electionTicks = electionTicks
            self.heartbeatTicks = heartbeatTicks
            self.maxEntriesPerMessage = maxEntriesPerMessage
            self.preVote = preVote
        }

        public var peers: [String] { members.filter { $0 != id } }
        public var quorum: Int { majority(of: members.count) }
    }

    public enum Role: String, Sendable { case follower, preCandidate = "pre-candidate", candidate, leader }

    /// The answer to a proposal: the slot it will occupy if committed, or who leads instead.
    public enum ProposeOutcome: Sendable, Equatable {
        case appended(index: UInt64, term: UInt64)
        case notLeader(leader: String?)
    }

    public let configuration: Configuration
    public internal(set) var hardState: HardState
    public internal(set) var log: RaftLog
    public internal(set) var commitIndex: UInt64
    public internal(set) var role: Role = .follower
    /// The leader of the current term, when known.
    public internal(set) var leader: String?
    /// Damaged durable state not yet rebuilt: no votes, no campaigns.
    public internal(set) var rebuilding: Bool
    /// The commit index of the first leader heard while rebuilding: caught up once past it.
    var rebuildTarget: UInt64?

    public internal(set) var appliedIndex: UInt64
    /// This replica's own entries known durable (a leader counts itself only up to here).
    var persistedIndex: UInt64
    var electionElapsed = 0
    var electionTimeout = 0
    var heartbeatElapsed = 0
    var votes: Set<String> = []
    var next: [String: UInt64] = [:]
    var match: [String: UInt64] = [:]
    /// Peers whose log end is unknown (after a refusal): sent one append at a time until one succeeds.
    var probing: Set<String> = []
    /// Peers heard from since the leader last checked it still has a majority.
    var recentlyActive: Set<String> = []
    /// The commit index last sent to each peer (a new one is sent at once, not at the next heartbeat).
    var sentCommit: [String: UInt64] = [:]
    /// Peers being sent a snapshot, with its index (no entries until they answer).
    var snapshotting: [String: UInt64] = [:]
    /// Ticks since each snapshot went out (resent after an election timeout without an answer).
    var snapshotElapsed: [String: Int] = [:]
    /// The latest state-machine snapshot (from `compact`), sent to followers that need it.
    var snapshotData: [UInt8]?
    /// Reads: the round the leader is in, what each peer echoed in this term, reads waiting.
    var readRound: UInt64 = 0
    var ackedRound: [String: UInt64] = [:]
    var pendingReads: [(id: UInt64, index: UInt64, round: UInt64)] = []
    /// Reads asked before this leader committed an entry of its term (its commit index may lag).
    var deferredReads: [UInt64] = []
    /// A hand-over in progress: the follower it goes to and the ticks spent on it.
    public internal(set) var transferee: String?
    var transferElapsed = 0
    var random: SeededGenerator
    var ready = RaftReady()
    var hardStateDirty = false
    var dirtyFrom: UInt64?

    /// A replica restarting from its persisted hard state and log (empty for a new one);
    /// `rebuilding` when that state was damaged (see the type's guarantees).
    public init(configuration: Configuration, hardState: HardState = HardState(), log: RaftLog = RaftLog(),
                commitIndex: UInt64 = 0, seed: UInt64, rebuilding: Bool = false) {
        self.configuration = configuration
        self.hardState = hardState
        self.log = log
        self.commitIndex = max(log.snapshotIndex, min(commitIndex, log.lastIndex))
        self.appliedIndex = log.snapshotIndex
        self.persistedIndex = log.lastIndex
        self.rebuilding = rebuilding
        self.random = SeededGenerator(seed: seed)
        resetElectionTimer()
    }

    public var term: UInt64 { hardState.term }
    public var isLeader: Bool { role == .leader }

    /// Advances logical time by one tick: followers time out into (pre-)elections, leaders
    /// heartbeat, resend stalled snapshots, give up stalled hand-overs, and step down when they
    /// have not heard from a majority for an election timeout.
    public mutating func tick() {
        electionElapsed += 1
        switch role {
        case .leader:
            heartbeatElapsed += 1
            if heartbeatElapsed >= configuration.heartbeatTicks {
                heartbeatElapsed = 0
                for peer in configuration.peers { sendHeartbeat(to: peer) }
            }
            for peer in Array(snapshotting.keys) {
                snapshotElapsed[peer, default: 0] += 1
                if snapshotElapsed[peer, default: 0] >= configuration.electionTicks.upperBound { snapshotting[peer] = nil }
            }
            if transferee != nil {
                transferElapsed += 1
                if transferElapsed >= configuration.electionTicks.upperBound { transferee = nil }
            }
            if electionElapsed >= electionTimeout {
                electionElapsed = 0
                if recentlyActive.count + 1 < configuration.quorum {
                    becomeFollower(term: term, leader: nil)
                    return
                }
                recentlyActive = []
            }
        case .follower, .preCandidate, .candidate:
            if electionElapsed >= electionTimeout, !rebuilding {
                configuration.preVote ? preCampaign() : campaign(transfer: false)
            }
        }
    }

    /// Appends a command if this replica leads (and is not handing leadership over).
    public mutating func propose(_ data: [UInt8]) -> ProposeOutcome {
        guard role == .leader, transferee == nil else { return .notLeader(leader: role == .leader ? nil : leader) }
        let entry = LogEntry(term: term, index: log.lastIndex + 1, data: data)
        appendLocal(entry)
        return .appended(index: entry.index, term: entry.term)
    }

    /// The shell has made this replica's entries up to `index` (whose term is `term`) durable.
    public mutating func persisted(index: UInt64, term entryTerm: UInt64) {
        guard log.term(at: index) == entryTerm, index > persistedIndex else { return }
        persistedIndex = index
        if role == .leader { maybeCommit() }
        checkRebuilt()
    }

    /// Everything the shell must do now; see `RaftReady` for the order.
    public mutating func takeReady() -> RaftReady {
        if role == .leader {
            for peer in configuration.peers where (next[peer] ?? 1) <= log.lastIndex { sendAppend(to: peer, allowEmpty: false) }
            // Followers learn a new commit index at once: their reads and watchers need not wait for a heartbeat.
            for peer in configuration.peers where sentCommit[peer] ?? 0 < commitIndex && snapshotting[peer] == nil && !probing.contains(peer)
                && (next[peer] ?? 1) > commitIndex {
                sendHeartbeat(to: peer)
            }
        }
        var out = ready
        ready = RaftReady()
        if hardStateDirty {
            out.hardState = hardState
            hardStateDirty = false
        }
        if let from = dirtyFrom {
            out.entries = log.entries(from: from, limit: Int.max)
            dirtyFrom = nil
        }
        if commitIndex > appliedIndex {
            out.commitIndex = commitIndex
            out.committed = log.entries(from: appliedIndex + 1, limit: Int(commitIndex - appliedIndex))
            appliedIndex = commitIndex
        }
        return out
    }

    // MARK: - Internals shared by the extensions

    mutating func appendLocal(_ entry: LogEntry) {
        log.append(entry)
        dirtyFrom = min(dirtyFrom ?? entry.index, entry.index)
    }

    mutating func send(_ message: RaftMessage, to peer: String, now: Bool = false) {
        if now {
            ready.sendNow.append(OutgoingMessage(to: peer, message: message))
        } else {
            ready.messages.append(OutgoingMessage(to: peer, message: message))
        }
    }

    mutating func resetElectionTimer() {
        electionElapsed = 0
        let range = configuration.electionTicks
        // Alone, nobody can disrupt an election: campaign on the next tick.
        electionTimeout = configuration.members.count == 1 ? 1 : range.lowerBound + Int(nextRandom() % UInt64(range.count))
    }

    /// Whether this replica heard from a live leader within the shortest election timeout: it
    /// then ignores vote requests (check-quorum's leader lease), unless a hand-over asks.
    var inLeaderLease: Bool {
        role == .leader || (leader != nil && electionElapsed < configuration.electionTicks.lowerBound)
    }

    /// Deterministic per seed, so simulations replay exactly.
    mutating func nextRandom() -> UInt64 {
        random.next()
    }
}
