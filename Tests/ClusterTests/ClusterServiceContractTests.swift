import RPC
import Testing
import TestSupport
@testable import Cluster

struct ClusterServiceContractTests {
    @Test func clusterServiceMatchesItsProto() throws {
        var router = RPCRouter()
        router.register(ClusterService(membership: .single(id: "n1", address: try SocketAddress(parsing: "127.0.0.1:1"))))
        let problems = try ProtoContract.problems(router: router, services: [NodeV1.Cluster.name])
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
