import Cluster
import Foundation
import ReplicatedLog
import RPC

extension LogReplica {
    /// Returns once this replica's machine includes every command acknowledged before the call
    /// (ReadIndex: the leader confirms its leadership with a majority, no log write; a follower
    /// asks the leader for that index and waits until it has applied it). Read the machine after.
    public func linearizableRead(timeout: Duration? = nil) async throws {
        try rebuild.refuseWhileRebuilding()
        let deadline = ContinuousClock.now + min(timeout ?? options.defaultTimeout, RPCContext.current?.remaining ?? .seconds(3600))
        var lastError: any Error = ConnectError(.unavailable, "no leader elected yet; retry")
        while ContinuousClock.now < deadline {
            try Task.checkCancellation()
            let ticket = newTicket()
            if core.raft.isLeader {
                if core.read(ticket: ticket) == nil {
                    await process()
                    do {
                        _ = try await waitForRead(ticket, until: deadline)
                        return
                    } catch let failure as LogReplicaCore<Machine>.Failure {
                        lastError = ConnectError(.unavailable, "leadership changed during the read (\(failure))")
                        continue
                    }
                }
            } else if let leader = core.raft.leader, let client = peers[leader] {
                do {
                    let response = try await client.call(LogV1.Replica.readIndex, LogV1.ReadIndexRequest(), options: CallOptions(timeout: deadline - .now))
                    core.readAt(response.index, ticket: ticket)
                    await process()
                    _ = try await waitForRead(ticket, until: deadline)
                    return
                } catch {
                    lastError = error
                }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw ConnectError(.unavailable, "cannot confirm a linearizable read: \(lastError)")
    }

    /// The leader's side of a follower's read: a read index a majority confirmed after the request.
    func readIndexForPeer() async throws -> UInt64 {
        let ticket = newTicket()
        if let failure = core.read(ticket: ticket) {
            throw ConnectError(.failedPrecondition, "not the leader (\(failure))")
        }
        await process()
        let deadline = ContinuousClock.now + min(options.defaultTimeout, RPCContext.current?.remaining ?? .seconds(3600))
        return try await waitForRead(ticket, until: deadline)
    }

    func waitForRead(_ ticket: Ticket, until deadline: ContinuousClock.Instant) async throws -> UInt64 {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if let outcome = earlyReads.removeValue(forKey: ticket) {
                    continuation.resume(with: outcome)
                    return
                }
                readWaiters[ticket] = (continuation, deadline)
                if Task.isCancelled { expire(ticket) }
            }
        } onCancel: {
            Task { await self.expire(ticket) }
        }
    }
}
