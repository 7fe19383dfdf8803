public import RPC
public import Storage
import Synchronization

/// Whether this replica is rebuilding durable state that recovery found damaged, and the gate
/// that keeps it from answering with that state meanwhile.
///
/// Guarantees: from construction with damage until `finish()`, `refuseWhileRebuilding()` throws
/// `unavailable` (a retryable code: another replica can answer), so the replica takes part in no
/// quorum with state that may lack acknowledged data; `finish()` first clears the log's damage
/// marker (so a crash after it starts clean), then opens the gate.
public final class StorageRebuild: Sendable {
    let log: WriteAheadLog?
    private let damage: Mutex<StorageDamage?>

    public init(log: WriteAheadLog?, damage: StorageDamage?) {
        self.log = log
        self.damage = Mutex(damage)
    }

    /// A replica with nothing to rebuild.
    public static let none = StorageRebuild(log: nil, damage: nil)

    /// The damage being rebuilt, or nil once rebuilt (or when there was none).
    public var pending: StorageDamage? { damage.withLock { $0 } }
    public var isRebuilding: Bool { pending != nil }

    /// Throws `unavailable` while the rebuild is in progress.
    public func refuseWhileRebuilding() throws(ConnectError) {
        if let pending {
            throw ConnectError(.unavailable, "this replica is rebuilding damaged storage from its peers (\(pending.reason)); use another replica")
        }
    }

    /// The state rebuilt from peers is durable: the damage is over.
    public func finish() throws(StorageError) {
        try log?.markRebuilt()
        damage.withLock { $0 = nil }
    }

    /// What the health check says while rebuilding.
    public var healthProblem: String? {
        pending.map { "rebuilding damaged storage from peers: \($0)" }
    }
}
