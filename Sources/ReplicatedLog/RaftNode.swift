/// One replica of a Raft-style replicated log, as a pure state machine.
///
/// Events in (`tick`, `step`, `propose`, `persisted`), actions out (`takeReady`); no clocks,
/// sockets or global randomness inside (election timeouts come from a seeded generator).
///
/// Guarantees, when the shell follows `RaftReady`'s order: at most one leader per term; an
/// entry is reported committed only once a majority holds it durably, and a committed entry is
/// never changed or removed; every replica's committed entries are a prefix of the same order.
public struct RaftNode: Sendable {
    public struct Configuration: Sendable {
        public var id: String
        public var members: [String]
        /// Ticks without hearing from a leader before campaigning, drawn per election from this range.
        public var electionTicks: ClosedRange<Int>
        /// A leader sends heartbeats every this many ticks.
        public var heartbeatTicks: Int
        public var maxEntriesPerMessage: Int

        public init(id: String, members: [String], electionTicks: ClosedRange<Int> = 10...20, heartbeatTicks: Int = 1,
                    maxEntriesPerMessage: Int = 512) {
            self.id = id
            self.members = members
            self.electionTicks = electionTicks
            self.heartbeatTicks = heartbeatTicks
            self.maxEntriesPerMessage = maxEntriesPerMessage
        }

        public var peers: [String] { members.filter { $0 != id } }
        public var quorum: Int { members.count / 2 + 1 }
    }

    public enum Role: String, Sendable { case follower, candidate, leader }

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
    var random: UInt64
    var ready = RaftReady()
    var hardStateDirty = false
    var dirtyFrom: UInt64?

    /// A replica restarting from its persisted hard state and log (empty for a new one).
    public init(configuration: Configuration, hardState: HardState = HardState(), log: RaftLog = RaftLog(),
                commitIndex: UInt64 = 0, seed: UInt64) {
        self.configuration = configuration
        self.hardState = hardState
        self.log = log
        self.commitIndex = min(commitIndex, log.lastIndex)
        self.appliedIndex = 0
        self.persistedIndex = log.lastIndex
        self.random = seed
        resetElectionTimer()
    }

    public var term: UInt64 { hardState.term }
    public var isLeader: Bool { role == .leader }

    /// Advances logical time by one tick: followers time out into elections, leaders heartbeat
    /// and step down when they have not heard from a majority for an election timeout.
    public mutating func tick() {
        electionElapsed += 1
        switch role {
        case .leader:
            heartbeatElapsed += 1
            if heartbeatElapsed >= configuration.heartbeatTicks {
                heartbeatElapsed = 0
                for peer in configuration.peers { sendHeartbeat(to: peer) }
            }
            if electionElapsed >= electionTimeout {
                electionElapsed = 0
                if recentlyActive.count + 1 < configuration.quorum {
                    becomeFollower(term: term, leader: nil)
                }
                recentlyActive = []
            }
        case .follower, .candidate:
            if electionElapsed >= electionTimeout { campaign() }
        }
    }

    /// Appends a command if this replica leads.
    public mutating func propose(_ data: [UInt8]) -> ProposeOutcome {
        guard role == .leader else { return .notLeader(leader: leader) }
        let entry = LogEntry(term: term, index: log.lastIndex + 1, data: data)
        appendLocal(entry)
        return .appended(index: entry.index, term: entry.term)
    }

    /// The shell has made this replica's entries up to `index` (whose term is `term`) durable.
    public mutating func persisted(index: UInt64, term entryTerm: UInt64) {
        guard log.term(at: index) == entryTerm, index > persistedIndex else { return }
        persistedIndex = index
        if role == .leader { maybeCommit() }
    }

    /// Everything the shell must do now; see `RaftReady` for the order.
    public mutating func takeReady() -> RaftReady {
        if role == .leader {
            for peer in configuration.peers where (next[peer] ?? 1) <= log.lastIndex { sendAppend(to: peer, allowEmpty: false) }
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
        electionTimeout = range.lowerBound + Int(nextRandom() % UInt64(range.count))
    }

    /// SplitMix64: deterministic per seed, so simulations replay exactly.
    mutating func nextRandom() -> UInt64 {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
