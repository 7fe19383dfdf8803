import Cluster
import RegisterCore
public import RPC

/// `register.v1.Replica`: the peer-only side of ABD (query, store), of one-round writes (offer)
/// and of anti-entropy (sync).
///
/// A replica rebuilding damaged state answers no quorum request (Sync only serves data it really
/// holds, so peers may still pull from it). Offer is not marked idempotent in the .proto, so the
/// transport does not retry it: a first offer is then never seen twice by a replica (its
/// coordinator may trust a `newerUnvouched` answer to it, see `OfferRound.repeated`).
public struct ReplicaService: RegisterV1.Replica.ServiceProtocol {
    let replica: ReplicaState

    public init(replica: ReplicaState) { self.replica = replica }

    public func query(_ request: RegisterV1.QueryRequest, context: RPCContext) async throws -> RegisterV1.QueryResponse {
        try replica.rebuild.refuseWhileRebuilding()
        let entries = try await replica.query(request.keys)
        return RegisterV1.QueryResponse(entries: zip(request.keys, entries).map { RegisterV1.ReplicaEntry(key: $0, entry: $1) })
    }

    public func store(_ request: RegisterV1.StoreRequest, context: RPCContext) async throws -> RegisterV1.StoreResponse {
        try replica.rebuild.refuseWhileRebuilding()
        let items = request.entries.compactMap { item in item.entry.map { (item.key, $0) } }
        return RegisterV1.StoreResponse(stored: Int32(try await replica.store(items)))
    }

    public func offer(_ request: RegisterV1.StoreRequest, context: RPCContext) async throws -> RegisterV1.OfferResponse {
        try replica.rebuild.refuseWhileRebuilding()
        // An entry without `found` offers nothing; it is answered with neither field set.
        let offered = request.entries.enumerated().compactMap { index, item in item.entry.map { (index, item.key, $0) } }
        let answers = try await replica.offer(offered.map { ($0.1, $0.2) })
        var messages = Array(repeating: RegisterV1.OfferAnswer(.failed), count: request.entries.count)
        for (item, answer) in zip(offered, answers) { messages[item.0] = RegisterV1.OfferAnswer(answer) }
        return RegisterV1.OfferResponse(answers: messages)
    }

    public func sync(_ request: RegisterV1.SyncRequest, context: RPCContext) async throws -> RegisterV1.SyncResponse {
        let digest = Dictionary(request.digest.map { ($0.key, $0.version?.core ?? .zero) }, uniquingKeysWith: max)
        let newer = replica.newer(than: digest)
        let keys = newer.keys.sorted()
        // Answer with durable entries only.
        let entries = try await replica.query(keys)
        return RegisterV1.SyncResponse(newer: zip(keys, entries).map { RegisterV1.ReplicaEntry(key: $0, entry: $1) },
                                       missing: replica.behind(digest))
    }
}
