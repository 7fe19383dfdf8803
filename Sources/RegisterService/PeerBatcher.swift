import RegisterCore
import RPC
import Synchronization

/// Sends one peer's share of many concurrent operations in few calls: queries and stores queue
/// while earlier calls are in flight and go out together in the next one.
///
/// Guarantees: every queued item's callback runs exactly once (with the peer's answer or the
/// call's error); at most `maxInFlight` calls of each kind are outstanding to the peer.
final class PeerBatcher: Sendable {
    typealias QueryCallback = @Sendable (Result<Entry?, ConnectError>) -> Void
    typealias StoreCallback = @Sendable (Result<Void, ConnectError>) -> Void

    struct State: ~Copyable {
        var queries: [(key: String, done: QueryCallback)] = []
        var stores: [(key: String, entry: Entry, done: StoreCallback)] = []
        var queriesInFlight = 0
        var storesInFlight = 0
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
        let start = state.withLock { state -> Bool in
            state.queries.append((key, done))
            guard state.queriesInFlight < maxInFlight else { return false }
            state.queriesInFlight += 1
            return true
        }
        if start { RPCContext.detach { await self.drainQueries() } }
    }

    func store(_ key: String, _ entry: Entry, _ done: @escaping StoreCallback) {
        let start = state.withLock { state -> Bool in
            state.stores.append((key, entry, done))
            guard state.storesInFlight < maxInFlight else { return false }
            state.storesInFlight += 1
            return true
        }
        if start { RPCContext.detach { await self.drainStores() } }
    }

    private func drainQueries() async {
        while true {
            let batch = state.withLock { state -> [(key: String, done: QueryCallback)] in
                let taken = Array(state.queries.prefix(maxBatch))
                state.queries.removeFirst(taken.count)
                if taken.isEmpty { state.queriesInFlight -= 1 }
                return taken
            }
            if batch.isEmpty { return }
            do {
                let response = try await client.call(ReplicaService.query, QueryRequest(keys: batch.map(\.key)), options: CallOptions(timeout: queryTimeout, sendTimeoutHeader: false))
                guard response.entries.count == batch.count else {
                    throw ConnectError(.internal, "\(peer) answered \(response.entries.count) entries for \(batch.count) keys")
                }
                for (item, entry) in zip(batch, response.entries) { item.done(.success(entry.entry)) }
            } catch {
                let failure = (error as? ConnectError) ?? ConnectError(.unavailable, "\(peer): \(error)")
                for item in batch { item.done(.failure(failure)) }
            }
        }
    }

    private func drainStores() async {
        while true {
            let batch = state.withLock { state -> [(key: String, entry: Entry, done: StoreCallback)] in
                let taken = Array(state.stores.prefix(maxBatch))
                state.stores.removeFirst(taken.count)
                if taken.isEmpty { state.storesInFlight -= 1 }
                return taken
            }
            if batch.isEmpty { return }
            do {
                let request = StoreRequest(entries: batch.map { ReplicaEntryMessage(key: $0.key, entry: $0.entry) })
                _ = try await client.call(ReplicaService.store, request, options: CallOptions(timeout: timeout, sendTimeoutHeader: false))
                for item in batch { item.done(.success(())) }
            } catch {
                for item in batch { item.done(.failure(error)) }
            }
        }
    }
}
