import RPC
import Synchronization

/// Sends one peer's share of many concurrent operations in few calls: items queue while earlier
/// calls are in flight and go out together in the next one. Every role's peer traffic goes
/// through it (register queries, stores and offers; bulletin item pushes; Raft messages).
///
/// Guarantees: every enqueued item is handed to `send` exactly once, in the order enqueued, in
/// batches of at most `maxBatch`; at most `maxInFlight` calls of `send` run at once, so with
/// `maxInFlight` 1 the peer receives batches one after the other, in order. `send` runs on the
/// caller's event loop but outside its RPC context (a batch serves many callers, and must not
/// inherit one caller's deadline); reporting each item's outcome is `send`'s job.
public final class PeerBatcher<Item: Sendable>: Sendable {
    struct State: ~Copyable {
        var items: [Item] = []
        var inFlight = 0
    }

    public let maxInFlight: Int
    public let maxBatch: Int
    let send: @Sendable ([Item]) async -> Void
    private let state = Mutex(State())

    public init(maxInFlight: Int, maxBatch: Int = .max, send: @escaping @Sendable ([Item]) async -> Void) {
        precondition(maxInFlight >= 1 && maxBatch >= 1, "a batcher needs at least one call and one item per call")
        self.maxInFlight = maxInFlight
        self.maxBatch = maxBatch
        self.send = send
    }

    public func enqueue(_ item: Item) {
        enqueue(contentsOf: CollectionOfOne(item))
    }

    /// Queues `items`; starts a drain unless `maxInFlight` calls are already out (one of them
    /// takes the items with its next batch).
    public func enqueue(contentsOf items: some Collection<Item>) {
        guard !items.isEmpty else { return }
        let start = state.withLock { state -> Bool in
            state.items.append(contentsOf: items)
            guard state.inFlight < maxInFlight else { return false }
            state.inFlight += 1
            return true
        }
        if start { RPCContext.detach { await self.drain() } }
    }

    /// Items queued and not yet handed to `send`.
    public var queued: Int { state.withLock { $0.items.count } }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Item] in
                let taken = Array(state.items.prefix(maxBatch))
                state.items.removeFirst(taken.count)
                if taken.isEmpty { state.inFlight -= 1 }
                return taken
            }
            if batch.isEmpty { return }
            await send(batch)
        }
    }
}
