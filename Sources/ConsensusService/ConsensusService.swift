import ConsensusCore
import Foundation
public import RPC

/// `consensus.v1.Consensus` over a `ConsensusNode`: decodes requests, maps outcomes to responses
/// and rejections to Connect errors.
///
/// A stale etag is `failed_precondition` (as in Google AIP-154); the error carries the current
/// pool (details `debug`, type `consensus.v1.Pool`) and its `etag` header, so a client can retry
/// without another read.
public struct ConsensusService: ConsensusV1.Consensus.ServiceProtocol {
    let node: ConsensusNode

    public init(node: ConsensusNode) {
        self.node = node
    }

    public func createPool(_ request: ConsensusV1.CreatePoolRequest, context: RPCContext) async throws -> ConsensusV1.Pool {
        try await Self.answer(context) { try await node.create(request) }
    }

    public func joinPool(_ request: ConsensusV1.JoinPoolRequest, context: RPCContext) async throws -> ConsensusV1.JoinPoolResponse {
        let (pool, token) = try await Self.mapping { try await node.join(request, principal: context.principal) }
        context.setResponseHeader("etag", pool.etag)
        return ConsensusV1.JoinPoolResponse(pool: ConsensusV1.Pool(pool), memberToken: token)
    }

    public func vote(_ request: ConsensusV1.VoteRequest, context: RPCContext) async throws -> ConsensusV1.VoteResponse {
        do {
            let pool = try await node.vote(request, principal: context.principal)
            context.setResponseHeader("etag", pool.etag)
            return ConsensusV1.VoteResponse(accepted: true, pool: ConsensusV1.Pool(pool))
        } catch let refused as ConsensusNode.Refused {
            throw Self.error(refused.rejection, current: refused.current)
        }
    }

    public func getPool(_ request: ConsensusV1.GetPoolRequest, context: RPCContext) async throws -> ConsensusV1.Pool {
        try await Self.answer(context) { try await node.get(request.poolId) }
    }

    public func watchPool(_ request: ConsensusV1.WatchPoolRequest, context: RPCContext) async throws -> AsyncThrowingStream<ConsensusV1.Pool, any Error> {
        let pools = try await Self.mapping { try await node.watch(request.poolId, afterEtag: request.afterEtag.given) }
        return .mapping(pools) { ConsensusV1.Pool($0) }
    }

    public func listPools(_ request: ConsensusV1.ListPoolsRequest, context: RPCContext) async throws -> ConsensusV1.ListPoolsResponse {
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
        return ConsensusV1.ListPoolsResponse(pools: page.map(ConsensusV1.Pool.init), nextPageToken: next)
    }

    public func leavePool(_ request: ConsensusV1.LeavePoolRequest, context: RPCContext) async throws -> ConsensusV1.Pool {
        try await Self.answer(context) { try await node.leave(request, principal: context.principal) }
    }

    /// Runs `body`, sets the `etag` header and maps rejections.
    static func answer(_ context: RPCContext, _ body: () async throws -> VotingPool) async throws -> ConsensusV1.Pool {
        let pool = try await mapping(body)
        context.setResponseHeader("etag", pool.etag)
        return ConsensusV1.Pool(pool)
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
        if case .stale = rejection, let current {
            let message = ConsensusV1.Pool(current)
            let json = (try? message.encodeJSON()) ?? []
            let binary = (try? message.encodeBinary()) ?? []
            // As Connect carries details: the binary message in `value` (unpadded base64), its JSON in `debug`.
            var value = Data(binary).base64EncodedString()
            while value.hasSuffix("=") { value.removeLast() }
            error.details = [ConnectError.Detail(type: ConsensusV1.Pool.schema.name, value: value, debug: String(decoding: json, as: UTF8.self))]
            error.metadata.set("etag", current.etag)
        }
        return error
    }
}
