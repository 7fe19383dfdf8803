import Cluster
import RegisterCore
public import RPC

/// `register.v1.Replica`: the peer-only side of ABD (query, store), of one-round writes (offer)
/// and of anti-entropy (sync).
public struct ReplicaService: RPCService {
    public static let name = "register.v1.Replica"
    public static let query = RPCMethod<QueryRequest, QueryResponse>(name, "Query", idempotency: .noSideEffects)
    public static let store = RPCMethod<StoreRequest, StoreResponse>(name, "Store", idempotency: .idempotent)
    public static let sync = RPCMethod<SyncRequest, SyncResponse>(name, "Sync", idempotency: .noSideEffects)
    /// Not retried by the transport: a first offer is then never seen twice by a replica (its
    /// coordinator may trust a `newerUnvouched` answer to it, see `OfferRound.repeated`).
    public static let offer = RPCMethod<StoreRequest, OfferResponse>(name, "Offer", idempotency: .sideEffects)

    let replica: ReplicaState

    public init(replica: ReplicaState) { self.replica = replica }

    public func register(on router: inout RPCRouter) {
        let replica = self.replica
        // A replica rebuilding damaged state answers no quorum request (Sync only serves data it
        // really holds, so peers may still pull from it).
        let rebuild = replica.rebuild
        router.register(Self.query) { request, _ in
            try rebuild.refuseWhileRebuilding()
            let entries = try await replica.query(request.keys)
            return QueryResponse(entries: zip(request.keys, entries).map { ReplicaEntryMessage(key: $0, entry: $1) })
        }
        router.register(Self.store) { request, _ in
            try rebuild.refuseWhileRebuilding()
            let items = request.entries.compactMap { item in item.entry.map { (item.key, $0) } }
            return StoreResponse(stored: Int32(try await replica.store(items)))
        }
        router.register(Self.offer) { request, _ in
            try rebuild.refuseWhileRebuilding()
            // An entry without `found` offers nothing; it is answered with neither field set.
            let offered = request.entries.enumerated().compactMap { index, item in item.entry.map { (index, item.key, $0) } }
            let answers = try await replica.offer(offered.map { ($0.1, $0.2) })
            var messages = Array(repeating: OfferAnswerMessage(.failed), count: request.entries.count)
            for (item, answer) in zip(offered, answers) { messages[item.0] = OfferAnswerMessage(answer) }
            return OfferResponse(answers: messages)
        }
        router.register(Self.sync) { request, _ in
            let digest = Dictionary(request.digest.map { ($0.key, $0.version.core) }, uniquingKeysWith: max)
            let newer = replica.newer(than: digest)
            let keys = newer.keys.sorted()
            // Answer with durable entries only.
            let entries = try await replica.query(keys)
            return SyncResponse(newer: zip(keys, entries).map { ReplicaEntryMessage(key: $0, entry: $1) },
                                missing: replica.behind(digest))
        }
    }
}
