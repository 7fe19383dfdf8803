import Cluster
import Foundation
import ReplicatedLog
import RPC
import Storage

extension LogReplica {
    /// Carries out the core's effects: send what may go now, persist, answer waiters, then send
    /// the rest once durable (see `RaftReady` and `LogReplicaCore.Effects`).
    @discardableResult
    func process(replyingTo caller: String? = nil) async -> [RaftMessage] {
        connectSenders()
        let effects = core.takeEffects()
        let ready = effects.ready
        noteRoleChange()
        var reply: [RaftMessage] = []
        route(ready.sendNow, caller: caller, into: &reply)
        var mark: (index: UInt64, term: UInt64)?
        if let log {
            if let snapshot = ready.snapshot, let parts = snapshotPayload(index: snapshot.index, term: snapshot.term, machine: snapshot.data) {
                lastLSN = log.snapshot(parts: parts)
                unloggedCommit = nil
            }
            if let commit = ready.commitIndex { unloggedCommit = commit }
            if ready.hardState != nil || !ready.entries.isEmpty {
                lastLSN = log.append(LogRecord(hard: ready.hardState, entries: ready.entries.isEmpty ? nil : ready.entries,
                                               commit: unloggedCommit).encoded())
                unloggedCommit = nil
            }
        }
        if !ready.entries.isEmpty { mark = (core.raft.log.lastIndex, core.raft.log.lastTerm) }
        deliver(effects)
        if let due = effects.snapshotDue { startSnapshot(index: due.index, term: due.term, image: due.image) }
        if let log, durableLSN < lastLSN, ready.mustPersistFirst || !ready.messages.isEmpty || ready.rebuilt {
            let target = lastLSN
            do {
                try await log.sync(upTo: target)
                durableLSN = max(durableLSN, target)
            } catch {
                // After shutdown closed the log this is expected; otherwise acknowledging
                // anything would be a lie, so nothing is sent.
                if log.problem == nil, (error as? StorageError)?.reason == "the log is closed" {
                    logger.debug("log closed; not acknowledging")
                } else {
                    logger.error("cannot persist the replicated log", [("error", "\(error)")])
                }
                return []
            }
        }
        if ready.rebuilt { finishRebuild() }
        if let mark {
            core.persisted(index: mark.index, term: mark.term)
            await process()
        }
        route(ready.messages, caller: caller, into: &reply)
        // Commands held back behind what just applied went into the log: persist and send them.
        if effects.proposedMore { await process() }
        return reply
    }

    /// Answers waiters and observers.
    func deliver(_ effects: LogReplicaCore<Machine>.Effects) {
        for (ticket, result, _) in effects.completed {
            let outcome = result.mapError { $0 as any Error }
            if let waiter = waiters.removeValue(forKey: ticket) {
                waiter.continuation.resume(with: outcome)
            } else if abandoned.remove(ticket) == nil {
                early[ticket] = outcome
            }
        }
        for (ticket, index) in effects.readsDone { finishRead(ticket, .success(index)) }
        for (ticket, failure) in effects.readsFailed { finishRead(ticket, .failure(failure)) }
        if let snapshot = effects.ready.snapshot {
            noteSnapshot(index: snapshot.index, bytes: snapshot.data.count)
            logger.info("installed a snapshot from the leader", [("index", "\(core.raft.log.snapshotIndex)")])
            for observer in restoreObservers { observer() }
        }
        if !effects.applied.isEmpty { for observer in observers { observer(effects.applied) } }
        if let error = effects.restoreError { logger.critical("cannot restore the leader's snapshot", [("error", error)]) }
        if !effects.undecodable.isEmpty {
            logger.error("committed entries that are not commands of this state machine were skipped", [("indices", "\(effects.undecodable)")])
        }
    }

    func finishRead(_ ticket: Ticket, _ result: Result<UInt64, any Error>) {
        if let waiter = readWaiters.removeValue(forKey: ticket) {
            waiter.continuation.resume(with: result)
        } else if abandoned.remove(ticket) == nil {
            earlyReads[ticket] = result
        }
    }

    /// Caught up with a leader after damage, and that is durable: vote and serve again.
    func finishRebuild() {
        do {
            try rebuild.finish()
            logger.notice("rebuilt damaged storage from the leader", [("applied", "\(core.appliedIndex)")])
        } catch {
            logger.error("cannot clear the damage marker", [("error", "\(error)")])
        }
    }

    /// Gives up on waiters whose deadlines passed (checked every tick).
    func expireOverdue() {
        let now = ContinuousClock.now
        for (ticket, waiter) in waiters where waiter.deadline <= now { expire(ticket) }
        for (ticket, waiter) in readWaiters where waiter.deadline <= now { expire(ticket) }
    }

    func expire(_ ticket: Ticket) {
        if let waiter = waiters.removeValue(forKey: ticket) {
            abandoned.insert(ticket)
            waiter.continuation.resume(throwing: ConnectError(.deadlineExceeded, "not committed in time; it may still take effect (retry with the same request id)"))
        }
        if let waiter = readWaiters.removeValue(forKey: ticket) {
            abandoned.insert(ticket)
            waiter.continuation.resume(throwing: ConnectError(.deadlineExceeded, "the read could not be confirmed in time"))
        }
    }
}
