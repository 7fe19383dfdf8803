import Cluster
import Foundation
public import ReplicatedLog
import RPC

extension LogReplica {
    /// Runs `command` through the log: proposed here when leading, else forwarded to the leader.
    /// Returns its output once it is committed on a majority and applied. Retries by itself
    /// whatever certainly did not take effect (no leader yet, a leader change that dropped the
    /// entry, a forward that never reached the leader); other failures are retried only when the
    /// command is `idempotent` (applying it twice has the effect of once: it carries a request id).
    /// Waits at most `timeout`, or the calling RPC's deadline.
    public func submit(_ command: Machine.Command, idempotent: Bool, timeout: Duration? = nil) async throws -> Machine.Output {
        let deadline = ContinuousClock.now + min(timeout ?? options.defaultTimeout, RPCContext.current?.remaining ?? .seconds(3600))
        var lastError: any Error = ConnectError(.unavailable, "no leader elected yet; retry")
        while ContinuousClock.now < deadline {
            try Task.checkCancellation()
            if core.raft.isLeader {
                let ticket = newTicket()
                if try core.propose(command, ticket: ticket) == nil {
                    await process()
                    do {
                        return try await wait(for: ticket, until: deadline)
                    } catch LogReplicaCore<Machine>.Failure.leadershipChanged {
                        lastError = ConnectError(.unavailable, "leadership changed before the command committed; it did not take effect")
                        continue
                    }
                }
            } else if let leader = core.raft.leader, let client = peers[leader] {
                do {
                    return try await forward(command, to: client, deadline: deadline)
                } catch let error as ConnectError where error.requestNotSent || error.code == .failedPrecondition || idempotent {
                    // Definitely not proposed (or harmless to repeat): try again, maybe at a new leader.
                    lastError = error.code == .failedPrecondition ? ConnectError(.unavailable, error.message) : error
                }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw (lastError as? ConnectError).map { ConnectError($0.code == .deadlineExceeded ? .deadlineExceeded : .unavailable, $0.message) }
            ?? ConnectError(.unavailable, "\(lastError)")
    }

    func forward(_ command: Machine.Command, to client: RPCClient, deadline: ContinuousClock.Instant) async throws -> Machine.Output {
        let codec = JSONCommandCodec()
        let request = LogV1.ProposeRequest(command: String(decoding: try codec.encode(command), as: UTF8.self))
        let response = try await client.call(LogV1.Replica.propose, request, options: CallOptions(timeout: deadline - .now))
        return try codec.decode(Machine.Output.self, from: Array(response.output.utf8))
    }

    /// A follower's forwarded command, proposed here; its output as JSON once applied.
    func proposeForPeer(_ command: String) async throws -> String {
        let ticket = newTicket()
        if let failure = core.propose(encoded: Array(command.utf8), ticket: ticket) {
            throw ConnectError(.failedPrecondition, "not the leader (\(failure)); the command was not proposed")
        }
        await process()
        let deadline = ContinuousClock.now + min(options.defaultTimeout, RPCContext.current?.remaining ?? .seconds(3600))
        do {
            let output = try await wait(for: ticket, until: deadline)
            return String(decoding: try JSONCommandCodec().encode(output), as: UTF8.self)
        } catch LogReplicaCore<Machine>.Failure.leadershipChanged {
            throw ConnectError(.failedPrecondition, "leadership changed before the command committed; it did not take effect")
        }
    }

    func wait(for ticket: Ticket, until deadline: ContinuousClock.Instant) async throws -> Machine.Output {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if let outcome = early.removeValue(forKey: ticket) {
                    continuation.resume(with: outcome)
                    return
                }
                waiters[ticket] = (continuation, deadline)
                if Task.isCancelled { expire(ticket) }
            }
        } onCancel: {
            Task { await self.expire(ticket) }
        }
    }
}
