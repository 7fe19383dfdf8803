public import Cluster
import Foundation
public import RegisterCore
import Replication
import RPC
import Synchronization

/// Coordinates ABD reads and writes from this node over every replica (itself included): the
/// shell of `RegisterCoordinatorCore`, which decides everything. One loop: feed an event to the
/// core (a call starts, a peer or the local replica answers), perform the actions it returns
/// (peer calls through `ReplicaCalls`, local queries, stores and prepared copies through
/// `ReplicaState`, completions), each answer feeding the core again. No task per operation and
/// no task per answer: answers arrive as callbacks on the threads that produce them.
///
/// Guarantees: those of the core — linearizable reads and writes per key while a majority is
/// reachable, otherwise `unavailable` (outcome unknown); a retried request id is harmless — and
/// every caller is answered exactly once (a cancelled caller at once; its operation runs on).
public final class RegisterCoordinator: Sendable {
    public let selfID: String
    public let replica: ReplicaState
    let peers: [String: ReplicaCalls]
    let driver: Mutex<Driver>

    struct Driver: ~Copyable {
        var core: RegisterCoordinatorCore
        var waiters: [RegisterCoordinatorCore.OperationID: CheckedContinuation<RegisterCoordinatorCore.Outcome, any Error>] = [:]
        /// Completed before their caller waited.
        var early: [RegisterCoordinatorCore.OperationID: Result<RegisterCoordinatorCore.Outcome, RegisterCoordinatorCore.Failure>] = [:]
        /// Operations started and not completed yet.
        var running: Set<RegisterCoordinatorCore.OperationID> = []
        /// Callers that stopped waiting for a running operation: its completion is dropped.
        var abandoned: Set<RegisterCoordinatorCore.OperationID> = []
        /// This node's copies of offered entries, by operation.
        var prepared: [RegisterCoordinatorCore.OperationID: ReplicaState.PreparedEntry] = [:]
    }

    /// `oneRoundWrites`: let writes try one round trip (ignored with more than four replicas).
    public init(membership: ClusterMembership, replica: ReplicaState, peers: PeerTransports,
                peerTimeout: Duration = .seconds(2), oneRoundWrites: Bool = true) {
        selfID = membership.selfID
        self.replica = replica
        // A query that gets no answer in this time is asked of the other peers too.
        let hedge = min(peerTimeout, .milliseconds(250))
        var calls: [String: ReplicaCalls] = [:]
        for member in membership.peers {
            if let client = peers[member.id] {
                calls[member.id] = ReplicaCalls(peer: member.id, client: client, timeout: peerTimeout, queryTimeout: hedge)
            }
        }
        self.peers = calls
        let bootID = String(UInt64.random(in: 0..<(1 << 40)), radix: 36)
        driver = Mutex(Driver(core: RegisterCoordinatorCore(selfID: membership.selfID, members: membership.members.map(\.id),
                                                            bootID: bootID, oneRoundWrites: oneRoundWrites)))
    }

    /// Writes `value` (nil: delete). A `requestID` seen recently returns that write's version; one
    /// still running is awaited instead of started again; one that failed after choosing its
    /// version is finished with that same version.
    public func write(_ key: String, value: String?, requestID: String?) async throws -> Version {
        let local = replica.read(key)?.version
        let outcome = try await run { $0.startWrite(key, value: value, requestID: requestID, localVersion: local) }
        guard case .wrote(let version) = outcome else { throw ConnectError(.internal, "a write completed as a read") }
        return version
    }

    /// Reads the key's current entry (nil: never written).
    public func read(_ key: String) async throws -> Entry? {
        let outcome = try await run { $0.startRead(key) }
        guard case .read(let entry) = outcome else { throw ConnectError(.internal, "a read completed as a write") }
        return entry
    }

    /// Starts an operation, performs what the core asks, and waits for its completion.
    func run(_ start: (inout RegisterCoordinatorCore) -> RegisterCoordinatorCore.OperationID) async throws -> RegisterCoordinatorCore.Outcome {
        let (id, actions) = driver.withLock { driver in
            let id = start(&driver.core)
            driver.running.insert(id)
            return (id, driver.core.takeActions())
        }
        perform(actions)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RegisterCoordinatorCore.Outcome, any Error>) in
                let ready = driver.withLock { driver -> Result<RegisterCoordinatorCore.Outcome, any Error>? in
                    if let result = driver.early.removeValue(forKey: id) { return result.mapError(Self.error) }
                    // Cancelled before waiting (the handler may already have run, and the
                    // operation may have completed since): the completion, if still to come, is dropped.
                    if Task.isCancelled {
                        if driver.running.contains(id) { driver.abandoned.insert(id) }
                        return .failure(CancellationError())
                    }
                    driver.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = driver.withLock { driver in
                if driver.running.contains(id) { driver.abandoned.insert(id) }
                return driver.waiters.removeValue(forKey: id)
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Feeds an answer to the core and performs what follows.
    func feed(_ reply: RegisterCoordinatorCore.Reply, from participant: String, for operation: RegisterCoordinatorCore.OperationID) {
        let actions = driver.withLock { driver in
            driver.core.receive(reply, from: participant, for: operation)
            return driver.core.takeActions()
        }
        perform(actions)
    }

    static func error(_ failure: RegisterCoordinatorCore.Failure) -> any Error {
        switch failure {
        case .noMajority(let failures):
            ConnectError(.unavailable, "no majority of replicas answered (\(failures.joined(separator: "; "))); the outcome is unknown")
        case .unsettled(let version):
            ConnectError(.unavailable, "no majority settled the write of \(version) (a peer did not answer, or could not vouch it never held it); the outcome is unknown")
        }
    }
}
