import RegisterCore
import RPC
import Synchronization

/// Sends one peer's share of many concurrent operations in few calls: queries, stores and offers
/// queue while earlier calls of their kind are in flight and go out together in the next one.
///
/// Guarantees: every queued item's callback runs exactly once (with the peer's answer or the
/// call's error); at most `maxInFlight` calls of each kind are outstanding to the peer.
final class PeerBatcher: Sendable {
    typealias QueryCallback = @Sendable (Result<Entry?, ConnectError>) -> Void
    typealias StoreCallback = @Sendable (Result<Void, ConnectError>) -> Void
    typealias OfferCallback = @Sendable (OfferRound.Answer) -> Void

    /// Items waiting for the next call of one kind, and how many calls of that kind are out.
    struct Queue<Item> {
        var items: [Item] = []
        var inFlight = 0
    }

    struct State {
        var queries = Queue<(key: String, done: QueryCallback)>()
        var stores = Queue<(key: String, entry: Entry, done: StoreCallback)>()
        var offers = Queue<(key: String, entry: Entry, done: OfferCallback)>()
    }

    let peer: String
    let client: RPCClient
    let timeout: Duration
    /// Patience for a query call: short, since the coordinator then asks another peer.
    let queryTimeout: Duration
    let maxInFlight: Int
    let maxBatch = 512
    private let state = Mutex(State())

    init(peer: String, client: RPCClient, timeout: Duration, queryTimeout: Duration? = nil, maxInFlight: Int = 4) {
        self.peer = peer
        self.client = client
        self.timeout = timeout
        self.queryTimeout = queryTimeout ?? timeout
        self.maxInFlight = maxInFlight
    }

    func query(_ key: String, _ done: @escaping QueryCallback) {
        enqueue((key, done), on: \.queries) { batch in
            do {
                let response = try await self.client.call(RegisterV1.Replica.query, RegisterV1.QueryRequest(keys: batch.map(\.key)),
                                                          options: CallOptions(timeout: self.queryTimeout, sendTimeoutHeader: false))
                guard response.entries.count == batch.count else {
                    throw ConnectError(.internal, "\(self.peer) answered \(response.entries.count) entries for \(batch.count) keys")
                }
                for (item, entry) in zip(batch, response.entries) { item.done(.success(entry.entry)) }
            } catch {
                let failure = (error as? ConnectError) ?? ConnectError(.unavailable, "\(self.peer): \(error)")
                for item in batch { item.done(.failure(failure)) }
            }
        }
    }

    func store(_ key: String, _ entry: Entry, _ done: @escaping StoreCallback) {
        enqueue((key, entry, done), on: \.stores) { batch in
            do throws(ConnectError) {
                let request = RegisterV1.StoreRequest(entries: batch.map { RegisterV1.ReplicaEntry(key: $0.key, entry: $0.entry) })
                _ = try await self.client.call(RegisterV1.Replica.store, request, options: CallOptions(timeout: self.timeout, sendTimeoutHeader: false))
                for item in batch { item.done(.success(())) }
            } catch {
                for item in batch { item.done(.failure(error)) }
            }
        }
    }

    /// Offers `entry` (a one-round write); `done` gets the peer's answer, `.failed` if none came.
    func offer(_ key: String, _ entry: Entry, _ done: @escaping OfferCallback) {
        enqueue((key, entry, done), on: \.offers) { batch in
            let answers: [OfferRound.Answer]
            do {
                let request = RegisterV1.StoreRequest(entries: batch.map { RegisterV1.ReplicaEntry(key: $0.key, entry: $0.entry) })
                let response = try await self.client.call(RegisterV1.Replica.offer, request, options: CallOptions(timeout: self.timeout, sendTimeoutHeader: false))
                answers = response.answers.count == batch.count ? response.answers.map(\.answer) : Array(repeating: .failed, count: batch.count)
            } catch {
                answers = Array(repeating: .failed, count: batch.count)
            }
            for (item, answer) in zip(batch, answers) { item.done(answer) }
        }
    }

    /// Queues `item`; starts a drain of that queue unless `maxInFlight` calls are already out
    /// (one of them takes the item with its next batch).
    private func enqueue<Item: Sendable>(_ item: Item, on queue: any WritableKeyPath<State, Queue<Item>> & Sendable,
                               send: @escaping @Sendable ([Item]) async -> Void) {
        let start = state.withLock { state -> Bool in
            state[keyPath: queue].items.append(item)
            guard state[keyPath: queue].inFlight < maxInFlight else { return false }
            state[keyPath: queue].inFlight += 1
            return true
        }
        if start { RPCContext.detach { await self.drain(queue, send: send) } }
    }

    private func drain<Item: Sendable>(_ queue: any WritableKeyPath<State, Queue<Item>> & Sendable, send: @Sendable ([Item]) async -> Void) async {
        while true {
            let batch = state.withLock { state -> [Item] in
                let taken = Array(state[keyPath: queue].items.prefix(maxBatch))
                state[keyPath: queue].items.removeFirst(taken.count)
                if taken.isEmpty { state[keyPath: queue].inFlight -= 1 }
                return taken
            }
            if batch.isEmpty { return }
            await send(batch)
        }
    }
}
