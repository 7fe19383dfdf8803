import RegisterCore
import Replication
import RPC

/// One peer replica as the coordinator calls it: queries, stores and offers, each kind batched
/// by its own `PeerBatcher` (many concurrent operations' items go out together in few calls).
///
/// Guarantees: every item's callback runs exactly once (with the peer's answer or the call's
/// error); at most `maxInFlight` calls of each kind are outstanding to the peer.
final class ReplicaCalls: Sendable {
    typealias QueryCallback = @Sendable (Result<Entry?, ConnectError>) -> Void
    typealias StoreCallback = @Sendable (Result<Void, ConnectError>) -> Void
    typealias OfferCallback = @Sendable (OfferRound.Answer) -> Void

    let peer: String
    let client: RPCClient
    let timeout: Duration
    /// Patience for a query call: short, since the coordinator then asks another peer.
    let queryTimeout: Duration
    private let queries: PeerBatcher<(key: String, done: QueryCallback)>
    private let stores: PeerBatcher<(key: String, entry: Entry, done: StoreCallback)>
    private let offers: PeerBatcher<(key: String, entry: Entry, done: OfferCallback)>

    init(peer: String, client: RPCClient, timeout: Duration, queryTimeout: Duration? = nil, maxInFlight: Int = 4) {
        let queryTimeout = queryTimeout ?? timeout
        self.peer = peer
        self.client = client
        self.timeout = timeout
        self.queryTimeout = queryTimeout
        let options = CallOptions(timeout: timeout, sendTimeoutHeader: false)
        queries = PeerBatcher(maxInFlight: maxInFlight, maxBatch: 512) { batch in
            do {
                let response = try await client.call(RegisterV1.Replica.query, RegisterV1.QueryRequest(keys: batch.map(\.key)),
                                                     options: CallOptions(timeout: queryTimeout, sendTimeoutHeader: false))
                guard response.entries.count == batch.count else {
                    throw ConnectError(.internal, "\(peer) answered \(response.entries.count) entries for \(batch.count) keys")
                }
                for (item, entry) in zip(batch, response.entries) { item.done(.success(entry.entry)) }
            } catch {
                let failure = (error as? ConnectError) ?? ConnectError(.unavailable, "\(peer): \(error)")
                for item in batch { item.done(.failure(failure)) }
            }
        }
        stores = PeerBatcher(maxInFlight: maxInFlight, maxBatch: 512) { batch in
            do throws(ConnectError) {
                let request = RegisterV1.StoreRequest(entries: batch.map { RegisterV1.ReplicaEntry(key: $0.key, entry: $0.entry) })
                _ = try await client.call(RegisterV1.Replica.store, request, options: options)
                for item in batch { item.done(.success(())) }
            } catch {
                for item in batch { item.done(.failure(error)) }
            }
        }
        offers = PeerBatcher(maxInFlight: maxInFlight, maxBatch: 512) { batch in
            let answers: [OfferRound.Answer]
            do {
                let request = RegisterV1.StoreRequest(entries: batch.map { RegisterV1.ReplicaEntry(key: $0.key, entry: $0.entry) })
                let response = try await client.call(RegisterV1.Replica.offer, request, options: options)
                answers = response.answers.count == batch.count ? response.answers.map(\.answer) : Array(repeating: .failed, count: batch.count)
            } catch {
                answers = Array(repeating: .failed, count: batch.count)
            }
            for (item, answer) in zip(batch, answers) { item.done(answer) }
        }
    }

    func query(_ key: String, _ done: @escaping QueryCallback) { queries.enqueue((key, done)) }

    func store(_ key: String, _ entry: Entry, _ done: @escaping StoreCallback) { stores.enqueue((key, entry, done)) }

    /// Offers `entry` (a one-round write); `done` gets the peer's answer, `.failed` if none came.
    func offer(_ key: String, _ entry: Entry, _ done: @escaping OfferCallback) { offers.enqueue((key, entry, done)) }
}
