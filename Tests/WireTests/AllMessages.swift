import BulletinService
import Cluster
import ConsensusService
import LogReplica
import RegisterService
import RPC

/// Every generated message type of every package, and the generator's sample.
let allMessageTypes: [any GeneratedMessage.Type] = {
    let files: [[any GeneratedMessage.Type]] = [
        NodeV1.healthProtoMessages, NodeV1.reflectionProtoMessages, NodeV1.diagnosticsProtoMessages, NodeV1.clusterProtoMessages,
        RegisterV1.registerProtoMessages, LogV1.logProtoMessages, ConsensusV1.consensusProtoMessages, BulletinV1.bulletinProtoMessages,
        // The generator's golden sample: every field kind, nesting, recursion.
        SampleV1.sampleProtoMessages,
    ]
    return files.flatMap { $0 }
}()
