import BulletinCore
import RPC
import Synchronization

/// Sends items to one peer in batches: items queue while a call is in flight and go out
/// together in the next one.
///
/// Guarantees: every queued item's callback runs exactly once, with the peer's durable
/// acknowledgement or the call's error; at most `maxInFlight` calls are outstanding.
final class ItemPusher: Sendable {
    typealias Callback = @Sendable (Bool) -> Void

    struct State: ~Copyable {
        var queue: [(item: BoardItem, done: Callback?)] = []
        var inFlight = 0
    }

    let client: RPCClient
    let timeout: Duration
    let maxInFlight: Int
    let maxBatch = 256
    private let state = Mutex(State())

    init(client: RPCClient, timeout: Duration, maxInFlight: Int = 2) {
        self.client = client
        self.timeout = timeout
        self.maxInFlight = maxInFlight
    }

    func push(_ item: BoardItem, done: Callback? = nil) {
        let start = state.withLock { state -> Bool in
            state.queue.append((item, done))
            guard state.inFlight < maxInFlight else { return false }
            state.inFlight += 1
            return true
        }
        // Detached from the caller's RPC context: a batch serves many callers.
        if start { RPCContext.detach { await self.drain() } }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [(item: BoardItem, done: Callback?)] in
                let taken = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(taken.count)
                if taken.isEmpty { state.inFlight -= 1 }
                return taken
            }
            if batch.isEmpty { return }
            let stored: Bool
            do {
                _ = try await client.call(BulletinV1.Replica.store, BulletinV1.StoreRequest(items: .init(batch.map(\.item))),
                                          options: CallOptions(timeout: timeout, sendTimeoutHeader: false))
                stored = true
            } catch {
                stored = false
            }
            for entry in batch { entry.done?(stored) }
        }
    }
}
