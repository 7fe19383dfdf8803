import BulletinCore
public import RPC

/// `bulletin.v1.Replica`: the peer-only side of every mode.
public struct BulletinReplicaService: RPCService {
    public static let name = "bulletin.v1.Replica"
    public static let store = RPCMethod<StoreRequest, StoreResponse>(name, "Store", idempotency: .idempotent)
    public static let pull = RPCMethod<PullRequest, PullResponse>(name, "Pull", idempotency: .noSideEffects)
    public static let read = RPCMethod<ReadRequest, ReadResponse>(name, "Read", idempotency: .noSideEffects)

    let replica: BoardReplica
    /// The sequential mode's board takes items only from its replicated log.
    let sequential: Bool

    public init(replica: BoardReplica, sequential: Bool) {
        self.replica = replica
        self.sequential = sequential
    }

    public func register(on router: inout RPCRouter) {
        let replica = self.replica
        let sequential = self.sequential
        router.register(Self.store) { request, _ in
            if sequential { throw ConnectError(.failedPrecondition, "a sequential replica takes items only from its log") }
            return StoreResponse(stored: Int32(try await replica.store(request.items)))
        }
        router.register(Self.pull) { request, _ in
            guard request.limit >= 0 else { throw ConnectError(.invalidArgument, "field \"limit\" must not be negative") }
            let limit = request.limit > 0 ? Int(request.limit) : 5000
            let items = replica.read { $0.missing(from: request.digest, limit: limit + 1) }
            return PullResponse(items: Array(items.prefix(limit)), more: items.count > limit)
        }
        router.register(Self.read) { request, _ in
            let size = Int(min(max(request.pageSize, 1), 1000))
            if request.threadId != 0 { return ReadResponse(replica.read { $0.threadItems(request.threadId) }) }
            return ReadResponse(replica.read { $0.pageItems(before: request.before == 0 ? nil : request.before, size: size) })
        }
    }
}
