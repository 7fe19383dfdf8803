/// A replicated log driving a state machine, without I/O: a `RaftNode` plus what lies between it
/// and the machine — decoding and applying committed commands, matching them to the proposals
/// and reads waiting on them, restoring received snapshots, and deciding when to snapshot.
/// Events in (`propose`, `read`, `readAt`, `tick`, `step`, `persisted`, `snapshotTaken`,
/// `transferLeadership`), effects out (`takeEffects`). The `LogReplica` shell performs the
/// effects with real storage and sockets; simulations perform them with virtual ones.
///
/// Guarantees (given a shell that follows `RaftReady`'s order): a proposal completes with the
/// output of applying it only if it committed in the slot it was proposed in — otherwise it fails
/// with `leadershipChanged` (it did not take effect there) — so an acknowledged command is on a
/// majority and in every later leader's log; a read completes only once the machine has applied
/// at least a read index a majority confirmed after the read was asked; the machine only ever
/// sees committed commands, in log order, exactly once per replica incarnation (or a snapshot
/// standing for a prefix of them). A leader lets commands in as the machine's `admission` says
/// (see `LogReplicaCore+Admission`): a command answered without the log gets the output applying
/// it would have given, and one held back is proposed later, never judged twice.
public struct LogReplicaCore<Machine: ReplicatedStateMachine>: Sendable {
    public typealias Ticket = UInt64

    public enum Failure: Error, Sendable, Equatable {
        /// Not the leader (the one known, if any): forward, or retry there.
        case notLeader(leader: String?)
        /// Another leader's entry took the slot: the proposal did not take effect there (a retry
        /// with the same idempotency key is safe).
        case leadershipChanged
    }

    /// What the shell must do now, in this order: restore nothing itself (the core already
    /// applied `ready.snapshot` and `ready.committed` to the machine); persist and send per
    /// `ready`; then answer `completed`, `readsDone` and `readsFailed`; tell observers `applied`;
    /// and serialize `snapshotDue` (then call `snapshotTaken`).
    public struct Effects: Sendable {
        public var ready: RaftReady
        /// With the index the command committed at (nil: answered without a log entry).
        public var completed: [(ticket: Ticket, result: Result<Machine.Output, Failure>, index: UInt64?)] = []
        /// Reads that may be answered now, with the read index they were confirmed at.
        public var readsDone: [(ticket: Ticket, index: UInt64)] = []
        public var readsFailed: [(ticket: Ticket, failure: Failure)] = []
        public var applied: [(index: UInt64, command: Machine.Command, output: Machine.Output)] = []
        /// The machine's image at (`index`, `term`), to serialize and persist as a snapshot.
        public var snapshotDue: (index: UInt64, term: UInt64, image: @Sendable () throws -> [UInt8])?
        /// Committed entries that are not commands of this machine (a bug elsewhere): skipped.
        public var undecodable: [UInt64] = []
        /// A snapshot from the leader that the machine could not restore (a bug elsewhere).
        public var restoreError: String?
        /// Held-back commands went into the log: take effects again to persist and send them.
        public var proposedMore = false
    }

    public internal(set) var raft: RaftNode
    public let machine: Machine
    let codec: any CommandCodec
    /// Applied entries between snapshots (0: never).
    public var snapshotEvery: UInt64
    var proposals: [UInt64: Proposal] = [:]
    /// Admission (see `LogReplicaCore+Admission`): proposals of `pendingTerm` pending per key,
    /// commands held until their key is free, and answers given since the last effects.
    var pendingByKey: [String: Int] = [:]
    var pendingTerm: UInt64 = 0
    var heldBack: [String: [HeldCommand]] = [:]
    var decided: [(ticket: Ticket, result: Result<Machine.Output, Failure>, index: UInt64?)] = []
    /// Reads asked here, confirmed or not, by ticket (the ticket is the read's id in the log).
    var readsAwaitingConfirmation: Set<Ticket> = []
    /// Confirmed reads (or a leader's read index a follower got), waiting for the machine.
    var readsAwaitingApply: [(index: UInt64, ticket: Ticket)] = []
    var snapshotInProgress = false

    public init(raft: RaftNode, machine: Machine, codec: any CommandCodec, snapshotEvery: UInt64) {
        self.raft = raft
        self.machine = machine
        self.codec = codec
        self.snapshotEvery = snapshotEvery
    }

    public var appliedIndex: UInt64 { raft.appliedIndex }

    // MARK: - Events

    /// Proposes `command`; nil when taken (appended, held back or answered: the ticket completes
    /// in a later `Effects`).
    public mutating func propose(_ command: Machine.Command, ticket: Ticket) throws -> Failure? {
        let data = try codec.encode(command)
        guard Machine.admitsByContent else { return append(data, ticket: ticket, key: nil) }
        return admit(command, data: data, ticket: ticket)
    }

    /// Proposes an already encoded command (forwarded by a follower).
    public mutating func propose(encoded data: [UInt8], ticket: Ticket) -> Failure? {
        guard Machine.admitsByContent, raft.isLeader, let command = try? codec.decode(Machine.Command.self, from: data) else {
            return append(data, ticket: ticket, key: nil)
        }
        return admit(command, data: data, ticket: ticket)
    }

    /// Asks for a linearizable read at this replica, which must lead; nil when pending.
    public mutating func read(ticket: Ticket) -> Failure? {
        switch raft.readIndex(id: ticket) {
        case .pending:
            readsAwaitingConfirmation.insert(ticket)
            return nil
        case .notLeader(let leader):
            return .notLeader(leader: leader)
        }
    }

    /// A read whose index the leader confirmed (a follower's read): done once applied up to it.
    public mutating func readAt(_ index: UInt64, ticket: Ticket) {
        readsAwaitingApply.append((index, ticket))
    }

    public mutating func tick() { raft.tick() }
    public mutating func acceptSnapshotChunk(from peer: String, term: UInt64) -> Bool { raft.acceptSnapshotChunk(from: peer, term: term) }
    public mutating func step(_ message: RaftMessage, from peer: String) { raft.step(message, from: peer) }
    public mutating func persisted(index: UInt64, term: UInt64) { raft.persisted(index: index, term: term) }
    @discardableResult
    public mutating func transferLeadership(to target: String? = nil) -> String? { raft.transferLeadership(to: target) }

    /// The snapshot `snapshotDue` asked for is serialized (and queued to disk): compact the log.
    public mutating func snapshotTaken(index: UInt64, data: [UInt8]) {
        snapshotInProgress = false
        raft.compact(through: index, data: data)
    }

    /// The serialization failed: try again at a later index.
    public mutating func snapshotFailed() { snapshotInProgress = false }

    // MARK: - Effects

    public mutating func takeEffects() -> Effects {
        var effects = Effects(ready: raft.takeReady())
        if let snapshot = effects.ready.snapshot {
            do { try machine.restore(snapshot.data) } catch { effects.restoreError = "\(error)" }
            // Proposals inside the snapshot: their outcome here is unknown.
            for index in proposals.keys.sorted() where index <= snapshot.index {
                if let proposal = removeProposal(at: index) { effects.completed.append((proposal.ticket, .failure(.leadershipChanged), nil)) }
            }
        }
        for entry in effects.ready.committed { apply(entry, into: &effects) }
        settleHeldBack(into: &effects)
        for read in effects.ready.reads where readsAwaitingConfirmation.remove(read.id) != nil {
            readsAwaitingApply.append((read.index, read.id))
        }
        for ticket in effects.ready.failedReads where readsAwaitingConfirmation.remove(ticket) != nil {
            effects.readsFailed.append((ticket, .notLeader(leader: raft.leader)))
        }
        let applied = raft.appliedIndex
        effects.readsDone = readsAwaitingApply.filter { $0.index <= applied }.map { ($0.ticket, $0.index) }
        readsAwaitingApply.removeAll { $0.index <= applied }
        if snapshotEvery > 0, !snapshotInProgress, applied >= raft.log.snapshotIndex + snapshotEvery, let term = raft.log.term(at: applied) {
            snapshotInProgress = true
            effects.snapshotDue = (applied, term, machine.snapshot())
        }
        return effects
    }

    mutating func apply(_ entry: LogEntry, into effects: inout Effects) {
        let proposal = removeProposal(at: entry.index)
        guard !entry.isNoOp else {
            if let proposal { effects.completed.append((proposal.ticket, .failure(.leadershipChanged), nil)) }
            return
        }
        guard let command = try? codec.decode(Machine.Command.self, from: entry.data) else {
            effects.undecodable.append(entry.index)
            if let proposal { effects.completed.append((proposal.ticket, .failure(.leadershipChanged), nil)) }
            return
        }
        let output = machine.apply(command, index: entry.index)
        effects.applied.append((entry.index, command, output))
        guard let proposal else { return }
        effects.completed.append(proposal.term == entry.term ? (proposal.ticket, .success(output), entry.index)
                                                             : (proposal.ticket, .failure(.leadershipChanged), nil))
    }
}
