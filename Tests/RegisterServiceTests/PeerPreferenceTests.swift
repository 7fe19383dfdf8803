import RPC
import Testing
@testable import RegisterService

@Suite struct PeerPreferenceTests {
    func batchers(_ ids: [String]) throws -> [ReplicaCalls] {
        let client = RPCClient(transport: PooledSocketTransport(address: try SocketAddress(parsing: "127.0.0.1:1")))
        return ids.map { ReplicaCalls(peer: $0, client: client, timeout: .seconds(1)) }
    }

    @Test func eachNodePrefersThePeersAfterItOnTheRing() throws {
        let members = ["n1", "n2", "n3", "n4", "n5"]
        for (index, id) in members.enumerated() {
            let peers = try batchers(members.filter { $0 != id }.shuffled())
            let order = PeerPreference(members: members, selfID: id, peers: peers).order().map(\.peer)
            let expected = (1..<members.count).map { members[(index + $0) % members.count] }
            #expect(order == expected)
        }
    }

    @Test func aSuspectedPeerIsAskedLastUntilItAnswers() throws {
        let preference = PeerPreference(members: ["n1", "n2", "n3"], selfID: "n1", peers: try batchers(["n2", "n3"]))
        #expect(preference.order().map(\.peer) == ["n2", "n3"])
        preference.suspect("n2")
        #expect(preference.order().map(\.peer) == ["n3", "n2"])
        preference.suspect("n3")
        #expect(preference.order().map(\.peer) == ["n2", "n3"])
        preference.answered("n2")
        #expect(preference.order().map(\.peer) == ["n2", "n3"])
        preference.answered("n3")
        preference.suspect("n2")
        preference.answered("n2")
        #expect(preference.order().map(\.peer) == ["n2", "n3"])
    }
}
