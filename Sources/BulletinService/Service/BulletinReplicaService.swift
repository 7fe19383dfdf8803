import BulletinCore
public import RPC

/// `bulletin.v1.Replica`: the peer-only side of every mode.
public struct BulletinReplicaService: BulletinV1.Replica.ServiceProtocol {
    let replica: BulletinReplica
    /// The sequential mode's board takes items only from its replicated log.
    let sequential: Bool

    public init(replica: BulletinReplica, sequential: Bool) {
        self.replica = replica
        self.sequential = sequential
    }

    public func store(_ request: BulletinV1.StoreRequest, context: RPCContext) async throws -> BulletinV1.StoreResponse {
        if sequential { throw ConnectError(.failedPrecondition, "a sequential replica takes items only from its log") }
        return BulletinV1.StoreResponse(stored: Int32(try await replica.store(try request.items.boardItems())))
    }

    public func pull(_ request: BulletinV1.PullRequest, context: RPCContext) async throws -> BulletinV1.PullResponse {
        guard request.limit >= 0 else { throw ConnectError(.invalidArgument, "field \"limit\" must not be negative") }
        let limit = request.limit > 0 ? Int(request.limit) : 5000
        let digest = request.boardDigest
        let items = try await replica.readDurably { $0.missing(from: digest, limit: limit + 1) }
        return BulletinV1.PullResponse(items: .init(Array(items.prefix(limit))), more: items.count > limit)
    }

    public func read(_ request: BulletinV1.ReadRequest, context: RPCContext) async throws -> BulletinV1.ReadResponse {
        let size = Int(min(max(request.pageSize, 1), 1000))
        if request.threadId != 0 { return BulletinV1.ReadResponse(items: .init(try await replica.readDurably { $0.threadItems(request.threadId) })) }
        return BulletinV1.ReadResponse(items: .init(try await replica.readDurably { $0.pageItems(before: request.before == 0 ? nil : request.before, size: size) }))
    }
}
