import Synchronization

/// `node.v1.Health`: whether this node is serving, its role and id.
///
/// Guarantees: reports `NOT_SERVING` once `markNotServing()` was called (graceful shutdown), and
/// while any condition added with `addCondition` reports a problem (storage that cannot write, a
/// replica rebuilding damaged state), with the reasons in `reason`.
public final class HealthService: NodeV1.Health.ServiceProtocol {
    public let role: String
    public let nodeId: String
    public let version: String
    private let serving = Atomic<Bool>(true)
    private let conditions = Mutex<[@Sendable () -> String?]>([])

    public init(role: String, nodeId: String, version: String) {
        self.role = role
        self.nodeId = nodeId
        self.version = version
    }

    public func markNotServing() { serving.store(false, ordering: .releasing) }

    /// Adds a check run on every health request: it returns why the node cannot serve, or nil.
    public func addCondition(_ problem: @escaping @Sendable () -> String?) {
        conditions.withLock { $0.append(problem) }
    }

    /// The current answer.
    public var status: NodeV1.CheckResponse {
        var reasons = conditions.withLock { $0 }.compactMap { $0() }
        if !serving.load(ordering: .acquiring) { reasons.insert("shutting down", at: 0) }
        return NodeV1.CheckResponse(status: reasons.isEmpty ? .serving : .notServing, role: role, nodeId: nodeId, version: version,
                                   reason: reasons.joined(separator: "; "))
    }

    public func check(_ request: NodeV1.CheckRequest, context: RPCContext) async throws -> NodeV1.CheckResponse { status }
}
