import Cluster
import RegisterCore
public import RPC

/// `register.v1.Register`: the client-facing API over a `RegisterCoordinator`.
///
/// Validation happens before any effect: empty or oversize keys, oversize values →
/// `invalid_argument`. A missing majority → `unavailable` (outcome unknown).
public struct RegisterService: RegisterV1.Register.ServiceProtocol {
    public static let maxKeyBytes = 1024

    let coordinator: RegisterCoordinator
    let maxValueBytes: Int

    public init(coordinator: RegisterCoordinator, maxValueBytes: Int = 1 << 20) {
        self.coordinator = coordinator
        self.maxValueBytes = maxValueBytes
    }

    public func write(_ request: RegisterV1.WriteRequest, context: RPCContext) async throws -> RegisterV1.WriteResponse {
        try Self.validate(key: request.key)
        try coordinator.replica.rebuild.refuseWhileRebuilding()
        guard request.value.utf8.count <= maxValueBytes else {
            throw ConnectError(.invalidArgument, "value is \(request.value.utf8.count) bytes; the limit is \(maxValueBytes)")
        }
        let version = try await coordinator.write(request.key, value: request.value, requestID: Self.requestID(request.requestId))
        return RegisterV1.WriteResponse(version: RegisterV1.Version(version))
    }

    public func read(_ request: RegisterV1.ReadRequest, context: RPCContext) async throws -> RegisterV1.ReadResponse {
        try Self.validate(key: request.key)
        try coordinator.replica.rebuild.refuseWhileRebuilding()
        return RegisterV1.ReadResponse(entry: try await coordinator.read(request.key))
    }

    public func delete(_ request: RegisterV1.DeleteRequest, context: RPCContext) async throws -> RegisterV1.DeleteResponse {
        try Self.validate(key: request.key)
        try coordinator.replica.rebuild.refuseWhileRebuilding()
        let version = try await coordinator.write(request.key, value: nil, requestID: Self.requestID(request.requestId))
        return RegisterV1.DeleteResponse(version: RegisterV1.Version(version))
    }

    public func readLocal(_ request: RegisterV1.ReadRequest, context: RPCContext) async throws -> RegisterV1.ReadResponse {
        try Self.validate(key: request.key)
        try coordinator.replica.rebuild.refuseWhileRebuilding()
        // Once durable: what a crash of this replica could take back is not shown.
        return RegisterV1.ReadResponse(entry: try await coordinator.replica.query([request.key]).first ?? nil)
    }

    /// An empty request id is none.
    static func requestID(_ id: String) -> String? { id.isEmpty ? nil : id }

    static func validate(key: String) throws {
        guard !key.isEmpty else { throw ConnectError(.invalidArgument, "missing required field \"key\"") }
        guard key.utf8.count <= maxKeyBytes else {
            throw ConnectError(.invalidArgument, "key is \(key.utf8.count) bytes; the limit is \(maxKeyBytes)")
        }
    }
}
