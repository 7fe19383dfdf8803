import Synchronization

/// `node.v1.Health`: whether this node is serving, its role and id.
///
/// Guarantees: reports `NOT_SERVING` once `markNotServing()` was called (graceful shutdown).
public final class HealthService: RPCService {
    public static let check = RPCMethod<HealthCheckRequest, HealthCheckResponse>("node.v1.Health", "Check", idempotency: .noSideEffects)

    public let role: String
    public let nodeId: String
    public let version: String
    private let serving = Atomic<Bool>(true)

    public init(role: String, nodeId: String, version: String) {
        self.role = role
        self.nodeId = nodeId
        self.version = version
    }

    public func markNotServing() { serving.store(false, ordering: .releasing) }

    public func register(on router: inout RPCRouter) {
        router.register(Self.check) { [self] request, _ in
            HealthCheckResponse(status: serving.load(ordering: .acquiring) ? .serving : .notServing,
                                role: role, nodeId: nodeId, version: version)
        }
    }
}
