public import ReplicatedLog
public import RPC

/// `log.v1.Replica`: the peer-only side of a `LogReplica` (see `Protocols/log/v1/log.proto`).
public struct LogPeerService: RPCService {
    public static let name = "log.v1.Replica"
    public static let step = RPCMethod<StepRequest, StepResponse>(name, "Step")
    public static let propose = RPCMethod<ProposeRequest, ProposeResponse>(name, "Propose")
    public static let readIndex = RPCMethod<ReadIndexRequest, ReadIndexResponse>(name, "ReadIndex")
    public static let installSnapshot = RPCMethod<SnapshotChunk, SnapshotChunkResponse>(name, "InstallSnapshot")
    public static let status = RPCMethod<LogStatusRequest, LogStatus>(name, "Status", idempotency: .noSideEffects)

    let register: @Sendable (inout RPCRouter) -> Void

    public init<Machine: ReplicatedStateMachine>(replica: LogReplica<Machine>) {
        register = { router in
            router.register(Self.step) { request, _ in
                StepResponse(messages: await replica.receive(from: request.from, request.messages, replying: true))
            }
            router.register(Self.propose) { request, _ in
                ProposeResponse(output: try await replica.proposeForPeer(request.command))
            }
            router.register(Self.readIndex) { _, _ in
                ReadIndexResponse(index: try await replica.readIndexForPeer())
            }
            router.register(Self.installSnapshot) { request, _ in
                try await replica.receiveSnapshotChunk(request)
            }
            router.register(Self.status) { _, _ in await replica.status() }
        }
    }

    public func register(on router: inout RPCRouter) { register(&router) }
}
