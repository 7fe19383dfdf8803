public import RPC

/// `node.v1.Cluster`: the peer-only service nodes use to check on each other.
///
/// Guarantees: only members may send heartbeats (`permission_denied` otherwise); a sender whose
/// membership differs from this node's gets `failed_precondition` naming both lists, so a
/// misconfigured cluster is reported instead of silently split.
public struct ClusterService: NodeV1.Cluster.ServiceProtocol {
    let membership: ClusterMembership
    let onHeartbeat: @Sendable (String) -> Void

    /// - Parameter onHeartbeat: called with the sender's id for every accepted heartbeat.
    public init(membership: ClusterMembership, onHeartbeat: @escaping @Sendable (String) -> Void = { _ in }) {
        self.membership = membership
        self.onHeartbeat = onHeartbeat
    }

    public func heartbeat(_ request: NodeV1.HeartbeatRequest, context: RPCContext) async throws -> NodeV1.HeartbeatResponse {
        guard membership.ids.contains(request.from) else {
            throw ConnectError(.permissionDenied, "'\(request.from)' is not a member of this cluster")
        }
        let mine = membership.ids.sorted()
        guard request.members.sorted() == mine else {
            throw ConnectError(.failedPrecondition,
                               "membership mismatch: \(request.from) has [\(request.members.sorted().joined(separator: ","))], \(membership.selfID) has [\(mine.joined(separator: ","))]")
        }
        onHeartbeat(request.from)
        return NodeV1.HeartbeatResponse(nodeId: membership.selfID, members: mine)
    }
}
