public import ReplicatedLog
public import RPC

/// `log.v1.Replica`: the peer-only side of a `LogReplica` (see `Protocols/log/v1/log.proto`).
public struct LogPeerService<Machine: ReplicatedStateMachine>: LogV1.Replica.ServiceProtocol {
    let replica: LogReplica<Machine>

    public init(replica: LogReplica<Machine>) { self.replica = replica }

    public func step(_ request: LogV1.StepRequest, context: RPCContext) async throws -> LogV1.StepResponse {
        let replies = await replica.receive(from: request.from, try request.messages.raftMessages(), replying: true)
        return LogV1.StepResponse(messages: .init(replies))
    }

    public func propose(_ request: LogV1.ProposeRequest, context: RPCContext) async throws -> LogV1.ProposeResponse {
        LogV1.ProposeResponse(output: try await replica.proposeForPeer(request.command))
    }

    public func readIndex(_ request: LogV1.ReadIndexRequest, context: RPCContext) async throws -> LogV1.ReadIndexResponse {
        LogV1.ReadIndexResponse(index: try await replica.readIndexForPeer())
    }

    public func installSnapshot(_ request: LogV1.SnapshotChunk, context: RPCContext) async throws -> LogV1.SnapshotChunkResponse {
        try await replica.receiveSnapshotChunk(request)
    }

    public func status(_ request: LogV1.StatusRequest, context: RPCContext) async throws -> LogV1.StatusResponse {
        await replica.status()
    }
}
