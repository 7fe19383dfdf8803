import BulletinService
import Cluster
import ConsensusService
import LogReplica
import RegisterService
import RPC

/// Every method of every service a node serves, by path, with its message schemas: what lets
/// `node call --codec proto` turn the JSON a person writes into binary protobuf and back.
enum ServiceCatalog {
    static let methods: [String: RPCMethodInfo] = {
        let all: [[RPCMethodInfo]] = [
            NodeV1.Health.methods, NodeV1.Reflection.methods, NodeV1.Diagnostics.methods, NodeV1.Cluster.methods,
            RegisterV1.Register.methods, RegisterV1.Replica.methods, LogV1.Replica.methods,
            ConsensusV1.Consensus.methods, BulletinV1.Bulletin.methods, BulletinV1.Replica.methods,
        ]
        var byPath: [String: RPCMethodInfo] = [:]
        for method in all.joined() { byPath[method.path] = method }
        return byPath
    }()

    /// The method at `path`, or a usage error naming what `--codec proto` needs.
    static func method(at path: String) throws -> RPCMethodInfo {
        guard let method = methods[path] else {
            throw UsageError("--codec proto needs the method's schema; \(path) is not a method of this node's services", command: "call")
        }
        return method
    }
}
