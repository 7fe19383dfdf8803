import RPC
import Testing
@testable import Cluster

struct ClusterMembershipTests {
    @Test func parsesPeersAndClusterFiles() throws {
        let fromPeers = try ClusterMembership.parse(peers: "n1=127.0.0.1:701,n2=127.0.0.1:702,n3=[::1]:703", selfID: "n2")
        #expect(fromPeers.ids == ["n1", "n2", "n3"])
        #expect(fromPeers.peers.map(\.id) == ["n1", "n3"])
        #expect(fromPeers.quorum == 2)
        let file = #"{"members":[{"id":"a","address":"127.0.0.1:1"},{"id":"b","address":"127.0.0.1:2"}]}"#
        let fromFile = try ClusterMembership.parse(clusterFile: Array(file.utf8), selfID: "a")
        #expect(fromFile.address(of: "b")?.port == 2)
    }

    @Test(arguments: [
        ("n1=127.0.0.1:1,n1=127.0.0.1:2", "n1", "appears twice"),
        ("n1=127.0.0.1:1", "n9", "is not among the members"),
        ("n1", "n1", "ID=HOST:PORT"),
        ("n1=nowhere:1", "n1", "numeric"),
    ])
    func rejectsBadMembership(_ text: String, _ selfID: String, _ message: String) {
        do {
            _ = try ClusterMembership.parse(peers: text, selfID: selfID)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func rejectsMalformedClusterFiles() {
        #expect(throws: ClusterMembership.Invalid.self) { try ClusterMembership.parse(clusterFile: Array("[]".utf8), selfID: "a") }
        #expect(throws: ClusterMembership.Invalid.self) {
            try ClusterMembership.parse(clusterFile: Array(#"{"members":[{"id":"a"}]}"#.utf8), selfID: "a")
        }
    }
}
