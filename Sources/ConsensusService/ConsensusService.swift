import ConsensusCore
import Foundation
public import RPC

/// `consensus.v1.Consensus` over a `ConsensusNode`: decodes requests, maps outcomes to responses
/// and rejections to Connect errors.
///
/// A stale etag is `failed_precondition` (as in Google AIP-154); the error carries the current
/// pool (details `debug`, type `consensus.v1.Pool`) and its `etag` header, so a client can retry
/// without another read.
public struct ConsensusService: RPCService {
    public static let name = "consensus.v1.Consensus"
    public static let createPool = RPCMethod<CreatePoolRequest, PoolMessage>(name, "CreatePool")
    public static let joinPool = RPCMethod<JoinPoolRequest, JoinPoolResponse>(name, "JoinPool")
    public static let vote = RPCMethod<VoteRequest, VoteResponse>(name, "Vote")
    public static let getPool = RPCMethod<GetPoolRequest, PoolMessage>(name, "GetPool", idempotency: .noSideEffects)
    public static let watchPool = RPCMethod<WatchPoolRequest, PoolMessage>(name, "WatchPool", idempotency: .noSideEffects, kind: .serverStreaming)
    public static let listPools = RPCMethod<ListPoolsRequest, ListPoolsResponse>(name, "ListPools", idempotency: .noSideEffects)
    public static let leavePool = RPCMethod<LeavePoolRequest, PoolMessage>(name, "LeavePool")

    let node: ConsensusNode

    public init(node: ConsensusNode) {
        self.node = node
    }

    public func register(on router: inout RPCRouter) {
        let node = self.node
        router.register(Self.createPool) { request, context in
            try await Self.answer(context) { try await node.create(request) }
        }
        router.register(Self.joinPool) { request, context in
            let (pool, token) = try await Self.mapping { try await node.join(request, principal: context.principal) }
            context.setResponseHeader("etag", pool.etag)
            return JoinPoolResponse(pool: PoolMessage(pool), memberToken: token)
        }
        router.register(Self.vote) { request, context in
            do {
                let pool = try await node.vote(request, principal: context.principal)
                context.setResponseHeader("etag", pool.etag)
                return VoteResponse(accepted: true, pool: PoolMessage(pool))
            } catch let refused as ConsensusNode.Refused {
                throw Self.error(refused.rejection, current: refused.current)
            }
        }
        router.register(Self.getPool) { request, context in
            try await Self.answer(context) { try await node.get(request.poolId) }
        }
        router.register(streaming: Self.watchPool) { request, _ in
            let pools = try await Self.mapping { try await node.watch(request.poolId, afterEtag: request.afterEtag) }
            return .mapping(pools) { PoolMessage($0) }
        }
        router.register(Self.listPools) { request, _ in
            guard request.pageSize >= 0 else { throw ConnectError(.invalidArgument, "pageSize must not be negative") }
            let limit = request.pageSize <= 0 ? 50 : min(Int(request.pageSize), 1000)
            var after: UInt64 = 0
            if !request.pageToken.isEmpty {
                guard let decoded = UInt64(request.pageToken) else {
                    throw ConnectError(.invalidArgument, "pageToken \"\(request.pageToken)\" is not one this service issued")
                }
                after = decoded
            }
            let pools = try await node.list(state: request.state.core, after: after, limit: limit + 1)
            let page = Array(pools.prefix(limit))
            let next = pools.count > limit ? page.last.map { String($0.sequence) } ?? "" : ""
            return ListPoolsResponse(pools: page.map(PoolMessage.init), nextPageToken: next)
        }
        router.register(Self.leavePool) { request, context in
            try await Self.answer(context) { try await node.leave(request, principal: context.principal) }
        }
    }

    /// Runs `body`, sets the `etag` header and maps rejections.
    static func answer(_ context: RPCContext, _ body: () async throws -> VotingPool) async throws -> PoolMessage {
        let pool = try await mapping(body)
        context.setResponseHeader("etag", pool.etag)
        return PoolMessage(pool)
    }

    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let rejection as PoolRejection {
            throw error(rejection, current: nil)
        } catch let refused as ConsensusNode.Refused {
            throw error(refused.rejection, current: nil)
        }
    }

    static func error(_ rejection: PoolRejection, current: VotingPool?) -> ConnectError {
        let code: ConnectCode = switch rejection {
        case .notFound: .notFound
        case .alreadyExists: .alreadyExists
        case .invalid: .invalidArgument
        case .stale, .notAllowed: .failedPrecondition
        case .unauthenticated: .unauthenticated
        case .permissionDenied: .permissionDenied
        case .tooManyPools: .resourceExhausted
        }
        var error = ConnectError(code, rejection.message)
        if case .stale = rejection, let current, let json = try? ProtoJSONCodec.encode(PoolMessage(current)),
           let binary = try? ProtoBinaryWriter.binary(fromJSON: json, schema: PoolMessage.schema) {
            // As Connect carries details: the binary message in `value` (unpadded base64), its JSON in `debug`.
            var value = Data(binary).base64EncodedString()
            while value.hasSuffix("=") { value.removeLast() }
            error.details = [ConnectError.Detail(type: PoolMessage.schema.name, value: value, debug: String(decoding: json, as: UTF8.self))]
            error.metadata.set("etag", current.etag)
        }
        return error
    }
}
