import BulletinCore
import Replication
import RPC

/// A bulletin item on its way to one peer, and who wants to hear whether that peer stored it.
struct ItemPush: Sendable {
    var item: BulletinItem
    /// Called once: true when the peer acknowledged the batch durably, false on any error.
    var done: (@Sendable (Bool) -> Void)?
}

extension PeerBatcher where Item == ItemPush {
    /// Pushes items to the peer behind `client` (`bulletin.v1.Replica/Store`), many per call.
    convenience init(pushingTo client: RPCClient, timeout: Duration, maxInFlight: Int = 2) {
        self.init(maxInFlight: maxInFlight, maxBatch: 256) { batch in
            let stored: Bool
            do {
                _ = try await client.call(BulletinV1.Replica.store, BulletinV1.StoreRequest(items: .init(batch.map(\.item))),
                                          options: CallOptions(timeout: timeout, sendTimeoutHeader: false))
                stored = true
            } catch {
                stored = false
            }
            for push in batch { push.done?(stored) }
        }
    }
}
