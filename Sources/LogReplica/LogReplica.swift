public import Cluster
import Foundation
public import ReplicatedLog
public import RPC
public import Storage

/// One replica of a replicated log running a state machine: the I/O shell around
/// `LogReplicaCore`. It persists through the write-ahead log, talks to peers through
/// `log.v1.Replica`, forwards a follower's commands to the leader, serves linearizable reads
/// (ReadIndex, also at followers), snapshots the machine every `snapshotEvery` entries (the log's
/// older segments are then deleted), streams snapshots to followers that fell behind, hands
/// leadership over before shutting down, and rebuilds from the leader when its storage was
/// damaged.
///
/// Guarantees: `submit` returns a command's output only once the command is committed on a
/// majority (durable there) and applied here; an error that says "definite" means it did not
/// take effect, any other may mean it did (retry with an idempotency key). `linearizableRead`
/// returns only once this replica's machine includes every command acknowledged before the call.
/// The machine only ever shows committed commands. Nothing is acknowledged to a peer before it is
/// durable (the `RaftReady` order). While rebuilding damaged storage it neither votes nor serves.
public actor LogReplica<Machine: ReplicatedStateMachine> {
    public struct Options: Sendable {
        public var tickInterval: Duration
        /// Election timeout, in ticks, drawn per election (default 6…12: 300–600 ms).
        public var electionTicks: ClosedRange<Int>
        /// How long a peer call may take before its messages are given up (Raft retransmits).
        public var peerTimeout: Duration
        /// Applied entries between snapshots (0: never).
        public var snapshotEvery: UInt64
        /// How long `submit` and `linearizableRead` wait at most when the caller has no deadline.
        public var defaultTimeout: Duration

        public init(tickInterval: Duration = .milliseconds(50), electionTicks: ClosedRange<Int> = 6...12,
                    peerTimeout: Duration = .milliseconds(200), snapshotEvery: UInt64 = 10_000, defaultTimeout: Duration = .seconds(10)) {
            self.tickInterval = tickInterval
            self.electionTicks = electionTicks
            self.peerTimeout = peerTimeout
            self.snapshotEvery = snapshotEvery
            self.defaultTimeout = defaultTimeout
        }
    }

    public typealias Ticket = UInt64
    public typealias Applied = (index: UInt64, command: Machine.Command, output: Machine.Output)

    public nonisolated let machine: Machine
    public nonisolated let selfID: String
    /// Open unless recovery found damage that this replica has not rebuilt from the leader yet.
    public nonisolated let rebuild: StorageRebuild
    /// Term, leadership, commit/applied index and snapshot size for `/metrics`.
    public nonisolated let figures = LogFigures()
    /// The event loop the actor runs on: calls from connection tasks on that loop need no hop.
    nonisolated let loop: EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    let log: WriteAheadLog?
    let peers: PeerTransports
    let logger: Logger
    let options: Options
    var core: LogReplicaCore<Machine>
    var senders: [String: LogSender] = [:]
    var waiters: [Ticket: (continuation: CheckedContinuation<Machine.Output, any Error>, deadline: ContinuousClock.Instant)] = [:]
    var readWaiters: [Ticket: (continuation: CheckedContinuation<UInt64, any Error>, deadline: ContinuousClock.Instant)] = [:]
    /// Outcomes that arrived before their waiter was in place (processing suspends in between).
    var early: [Ticket: Result<Machine.Output, any Error>] = [:]
    var earlyReads: [Ticket: Result<UInt64, any Error>] = [:]
    /// Waiters that gave up: their outcomes are dropped.
    var abandoned: Set<Ticket> = []
    var nextTicket: Ticket = 1
    var observers: [@Sendable ([Applied]) -> Void] = []
    var restoreObservers: [@Sendable () -> Void] = []
    var assembly = SnapshotAssembly()
    /// A commit index not yet in the log: written with the next entries, or at the next tick. It
    /// only speeds up recovery (Raft re-learns it from the leader), so it never costs an fsync of its own.
    var unloggedCommit: UInt64?
    var lastLSN: UInt64 = 0
    var durableLSN: UInt64 = 0
    var lastRole: RaftNode.Role = .follower

    public init(membership: ClusterMembership, machine: Machine, log: WriteAheadLog?, recovery: WriteAheadLog.Recovery?,
                peers: PeerTransports, options: Options = Options(), seed: UInt64, logger: Logger = .disabled,
                loop: EventLoop = .next()) throws {
        let recovered = try LogRecord.recover(recovery)
        if let image = recovered.machine { try machine.restore(image) }
        var raft = RaftNode(configuration: .init(id: membership.selfID, members: membership.ids, electionTicks: options.electionTicks),
                            hardState: recovered.hard, log: recovered.log, commitIndex: recovered.commit, seed: seed,
                            rebuilding: recovery?.damage != nil)
        if let image = recovered.machine { raft.restoredSnapshot(image) }
        core = LogReplicaCore(raft: raft, machine: machine, codec: JSONCommandCodec(), snapshotEvery: options.snapshotEvery)
        self.machine = machine
        self.selfID = membership.selfID
        self.rebuild = StorageRebuild(log: log, damage: recovery?.damage)
        self.loop = loop
        self.log = log
        self.peers = peers
        self.logger = logger
        var options = options
        // A message stuck on a slow call holds back the heartbeats queued behind it: give up well
        // within the election timeout.
        options.peerTimeout = min(options.peerTimeout, options.tickInterval * max(2, options.electionTicks.lowerBound * 2 / 3))
        self.options = options
    }

    /// Calls `observer` with the commands applied by each step, in log order, on the actor.
    public func observe(applied observer: @escaping @Sendable ([Applied]) -> Void, restored: @escaping @Sendable () -> Void = {}) {
        observers.append(observer)
        restoreObservers.append(restored)
    }

    /// Ticks the log until cancelled (elections, heartbeats, deadlines).
    public func run() async {
        await process()
        while !Task.isCancelled {
            try? await Task.sleep(for: options.tickInterval)
            core.tick()
            expireOverdue()
            if let log, let commit = unloggedCommit {
                _ = log.append(LogRecord(commit: commit).encoded())
                unloggedCommit = nil
            }
            await process()
        }
    }

    public var isLeader: Bool { core.raft.isLeader }
    public var leader: String? { core.raft.leader }
    public var appliedIndex: UInt64 { core.appliedIndex }

    public func status() -> LogV1.StatusResponse {
        LogV1.StatusResponse(leader: core.raft.leader ?? "", term: core.raft.term, commitIndex: core.raft.commitIndex,
                  appliedIndex: core.appliedIndex, role: core.raft.role.rawValue, snapshotIndex: core.raft.log.snapshotIndex,
                  rebuilding: core.raft.rebuilding)
    }

    func newTicket() -> Ticket {
        defer { nextTicket += 1 }
        return nextTicket
    }

    func connectSenders() {
        guard senders.isEmpty else { return }
        for (peer, client) in peers.clients {
            senders[peer] = LogSender(peer: peer, selfID: selfID, client: client, timeout: options.peerTimeout, logger: logger) { [weak self] from, messages in
                _ = await self?.receive(from: from, messages, replying: false)
            }
        }
    }

    /// Feeds messages from `peer`; when `replying`, returns (instead of sending) those for `peer`,
    /// once what they acknowledge is durable.
    func receive(from peer: String, _ messages: [RaftMessage], replying: Bool) async -> [RaftMessage] {
        for message in messages { core.step(message, from: peer) }
        return await process(replyingTo: replying ? peer : nil)
    }

    func route(_ messages: [OutgoingMessage], caller: String?, into reply: inout [RaftMessage]) {
        var byPeer: [String: [RaftMessage]] = [:]
        for outgoing in messages {
            if outgoing.to == caller, !outgoing.message.isSnapshot {
                reply.append(outgoing.message)
            } else {
                byPeer[outgoing.to, default: []].append(outgoing.message)
            }
        }
        for (peer, batch) in byPeer { senders[peer]?.send(batch) }
    }

    func noteRoleChange() {
        figures.record(term: core.raft.term, commitIndex: core.raft.commitIndex, appliedIndex: core.appliedIndex, isLeader: core.raft.isLeader)
        guard core.raft.role != lastRole else { return }
        lastRole = core.raft.role
        if core.raft.role == .leader {
            logger.notice("elected leader", [("term", "\(core.raft.term)")])
        } else {
            logger.info("role changed", [("raft_role", core.raft.role.rawValue), ("term", "\(core.raft.term)"), ("leader", core.raft.leader ?? "-")])
        }
    }
}

extension RaftMessage {
    var isSnapshot: Bool {
        if case .installSnapshot = self { return true }
        return false
    }
}
