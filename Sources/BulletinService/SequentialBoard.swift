import Foundation
import BulletinCore
public import Cluster
import ReplicatedLog
public import RPC
public import Storage

/// The sequential mode: every post goes through a replicated log with an elected leader.
///
/// Guarantees: a post is acknowledged once a majority holds it in its durable log; ids are
/// assigned when entries apply, in log order, so they are monotonic and never reused across
/// leader changes; any replica's board is a prefix of the leader's order. Followers forward
/// writes to the leader; when the leader fails a new one is elected (election timeout
/// 300–600 ms) and writes through any surviving majority succeed.
public actor SequentialBoard: BoardMode {
    public nonisolated let replica: BoardReplica
    /// The event loop the actor runs on: calls from connection tasks on that loop need no hop.
    nonisolated let loop: EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    let selfID: String
    let log: WriteAheadLog?
    let peers: PeerTransports
    let logger: Logger
    let tickInterval: Duration
    let peerTimeout: Duration
    var raft: RaftNode
    var senders: [String: LogSender] = [:]
    /// Posts proposed here, by log index: the term they were proposed in, who waits, and when to
    /// give up on them (each tick expires the overdue ones).
    var waiters: [UInt64: (term: UInt64, continuation: CheckedContinuation<BoardItem, any Error>, deadline: ContinuousClock.Instant)] = [:]
    /// Posts proposed here whose proposer is not yet waiting (by index: the term), and the
    /// outcomes of those that applied in that gap.
    var proposed: [UInt64: UInt64] = [:]
    var early: [UInt64: Result<BoardItem, any Error>] = [:]
    /// A commit index not yet in the log: written with the next entries, or at the next tick. It
    /// only speeds up recovery (Raft re-learns it from the leader), so it never costs an fsync of its own.
    var unloggedCommit: UInt64?
    var lastLSN: UInt64 = 0
    var durableLSN: UInt64 = 0
    var lastRole: RaftNode.Role = .follower

    public init(membership: ClusterMembership, replica: BoardReplica, log: WriteAheadLog?, recovery: WriteAheadLog.Recovery?,
                peers: PeerTransports, peerTimeout: Duration, tickInterval: Duration = .milliseconds(50), seed: UInt64,
                logger: Logger = .disabled, loop: EventLoop = .next()) throws {
        let (hard, entries, commit) = try LogRecord.recover(recovery?.records ?? [])
        self.replica = replica
        self.loop = loop
        selfID = membership.selfID
        self.log = log
        self.peers = peers
        self.logger = logger
        self.tickInterval = tickInterval
        raft = RaftNode(configuration: .init(id: membership.selfID, members: membership.ids, electionTicks: 6...12),
                        hardState: hard, log: entries, commitIndex: commit, seed: seed)
        // A log message stuck on a slow call holds back the heartbeats queued behind it, so give
        // up well within the election timeout (6–12 ticks) rather than after --peer-timeout.
        self.peerTimeout = min(peerTimeout, tickInterval * 4)
    }

    func connectSenders() {
        guard senders.isEmpty else { return }
        for (peer, client) in peers.clients {
            senders[peer] = LogSender(peer: peer, selfID: selfID, client: client, timeout: peerTimeout) { [weak self] from, messages in
                _ = await self?.receive(from: from, messages, replying: false)
            }
        }
    }

    /// Ticks the log until cancelled (elections, heartbeats).
    public func run() async {
        await process()
        while !Task.isCancelled {
            try? await Task.sleep(for: tickInterval)
            raft.tick()
            expireOverdue()
            if let log, let commit = unloggedCommit {
                _ = log.append(LogRecord(commit: commit).encoded())
                unloggedCommit = nil
            }
            await process()
        }
    }

    /// Feeds messages from `peer`; when `replying`, returns (instead of sending) those for `peer`,
    /// once what they acknowledge is durable.
    func receive(from peer: String, _ messages: [RaftMessage], replying: Bool) async -> [RaftMessage] {
        for message in messages { raft.step(message, from: peer) }
        return await process(replyingTo: replying ? peer : nil)
    }

    /// Carries out the log's Ready: send what may go now, persist, apply, then send the rest.
    @discardableResult
    func process(replyingTo caller: String? = nil) async -> [RaftMessage] {
        connectSenders()
        let ready = raft.takeReady()
        noteRoleChange()
        var reply: [RaftMessage] = []
        route(ready.sendNow, caller: caller, into: &reply)
        var mark: (index: UInt64, term: UInt64)?
        if let log {
            if let commit = ready.commitIndex { unloggedCommit = commit }
            if ready.hardState != nil || !ready.entries.isEmpty {
                lastLSN = log.append(LogRecord(hard: ready.hardState, entries: ready.entries.isEmpty ? nil : ready.entries, commit: unloggedCommit).encoded())
                unloggedCommit = nil
                if !ready.entries.isEmpty { mark = (raft.log.lastIndex, raft.log.lastTerm) }
            }
        } else if !ready.entries.isEmpty {
            mark = (raft.log.lastIndex, raft.log.lastTerm)
        }
        apply(ready.committed)
        if let log, durableLSN < lastLSN, ready.mustPersistFirst || !ready.messages.isEmpty {
            let target = lastLSN
            do {
                try await log.sync(upTo: target)
                durableLSN = max(durableLSN, target)
            } catch {
                // After shutdown closed the log this is expected; otherwise acknowledging
                // anything would be a lie, so nothing is sent.
                let closing = (error as? StorageError)?.reason == "the log is closed"
                if closing { logger.debug("log closed; not acknowledging") } else {
                    logger.error("cannot persist the replicated log", [("error", "\(error)")])
                }
                return []
            }
        }
        if let mark {
            raft.persisted(index: mark.index, term: mark.term)
            await process()
        }
        route(ready.messages, caller: caller, into: &reply)
        return reply
    }

    func route(_ messages: [OutgoingMessage], caller: String?, into reply: inout [RaftMessage]) {
        var byPeer: [String: [RaftMessage]] = [:]
        for outgoing in messages {
            if outgoing.to == caller { reply.append(outgoing.message) } else { byPeer[outgoing.to, default: []].append(outgoing.message) }
        }
        for (peer, batch) in byPeer { senders[peer]?.send(batch) }
    }

    func noteRoleChange() {
        guard raft.role != lastRole else { return }
        lastRole = raft.role
        if raft.role == .leader {
            logger.notice("elected leader", [("term", "\(raft.term)")])
        } else {
            logger.info("role changed", [("role", raft.role.rawValue), ("term", "\(raft.term)"), ("leader", raft.leader ?? "-")])
        }
    }

    public func status() -> StatusResponse {
        StatusResponse(leader: raft.leader ?? "", term: raft.term, commitIndex: raft.commitIndex, appliedIndex: raft.appliedIndex,
                       role: raft.role.rawValue)
    }

    public var leader: String? { raft.leader }
}
