import Cluster
import RegisterCore
public import RPC

/// `register.v1.Register`: the client-facing API over a `RegisterCoordinator`.
///
/// Validation happens before any effect: empty or oversize keys, oversize values →
/// `invalid_argument`. A missing majority → `unavailable` (outcome unknown).
public struct RegisterService: RPCService {
    public static let name = "register.v1.Register"
    public static let write = RPCMethod<WriteRequest, WriteResponse>(name, "Write")
    public static let read = RPCMethod<ReadRequest, ReadResponse>(name, "Read", idempotency: .noSideEffects)
    public static let delete = RPCMethod<DeleteRequest, DeleteResponse>(name, "Delete")
    public static let readLocal = RPCMethod<ReadRequest, ReadResponse>(name, "ReadLocal", idempotency: .noSideEffects)

    public static let maxKeyBytes = 1024

    let coordinator: RegisterCoordinator
    let maxValueBytes: Int

    public init(coordinator: RegisterCoordinator, maxValueBytes: Int = 1 << 20) {
        self.coordinator = coordinator
        self.maxValueBytes = maxValueBytes
    }

    public func register(on router: inout RPCRouter) {
        let coordinator = self.coordinator
        let maxValueBytes = self.maxValueBytes
        let rebuild = coordinator.replica.rebuild
        router.register(Self.write) { request, _ in
            try Self.validate(key: request.key)
            try rebuild.refuseWhileRebuilding()
            guard request.value.utf8.count <= maxValueBytes else {
                throw ConnectError(.invalidArgument, "value is \(request.value.utf8.count) bytes; the limit is \(maxValueBytes)")
            }
            let version = try await coordinator.write(request.key, value: request.value, requestID: request.requestId)
            return WriteResponse(version: VersionMessage(version))
        }
        router.register(Self.read) { request, _ in
            try Self.validate(key: request.key)
            try rebuild.refuseWhileRebuilding()
            return ReadResponse(entry: try await coordinator.read(request.key))
        }
        router.register(Self.delete) { request, _ in
            try Self.validate(key: request.key)
            try rebuild.refuseWhileRebuilding()
            let version = try await coordinator.write(request.key, value: nil, requestID: request.requestId)
            return DeleteResponse(version: VersionMessage(version))
        }
        router.register(Self.readLocal) { request, _ in
            try Self.validate(key: request.key)
            try rebuild.refuseWhileRebuilding()
            return ReadResponse(entry: coordinator.replica.read(request.key))
        }
    }

    static func validate(key: String) throws {
        guard !key.isEmpty else { throw ConnectError(.invalidArgument, "missing required field \"key\"") }
        guard key.utf8.count <= maxKeyBytes else {
            throw ConnectError(.invalidArgument, "key is \(key.utf8.count) bytes; the limit is \(maxKeyBytes)")
        }
    }
}
