import RPC
import Testing
@testable import Cluster

struct FailureDetectorCoreTests {
    @Test func suspectsSilentPeersAndForgivesThemWhenHeard() {
        let start = ContinuousClock.now
        var core = FailureDetectorCore(peers: ["b", "c"], timeout: .seconds(2), start: start)
        #expect(core.evaluate(now: start + .seconds(1)).isEmpty)
        #expect(core.heard(from: "b", at: start + .seconds(1.5)) == nil)
        #expect(core.evaluate(now: start + .seconds(3)) == [.init(peer: "c", status: .suspected)])
        #expect(core.evaluate(now: start + .seconds(4)) == [.init(peer: "b", status: .suspected)])
        #expect(core.heard(from: "c", at: start + .seconds(5)) == .init(peer: "c", status: .alive))
        #expect(core.alivePeers == ["c"])
        #expect(core.heard(from: "stranger", at: start) == nil)
    }
}

/// Three nodes over the in-memory network: a crashed node is suspected, a restarted one recovers.
@Suite(.timeLimit(.minutes(1)))
struct FailureDetectorTests {
    @Test func detectsCrashAndRecoveryOverTheNetwork() async throws {
        let network = InMemoryNetwork(seed: 2)
        let ids = ["n1", "n2", "n3"]
        let members = try ids.enumerated().map { ClusterMembership.Member(id: $1, address: try SocketAddress(parsing: "127.0.0.1:\(7001 + $0)")) }
        func responder(_ id: String) throws -> ConnectResponder {
            var router = RPCRouter()
            router.register(ClusterService(membership: try ClusterMembership(members: members, selfID: id)))
            let auth = TokenAuthenticator(peerServices: [NodeV1.Cluster.name], clusterToken: "t")
            return ConnectResponder(router: router, metrics: MetricsRegistry(), admit: { try auth.admit(method: $0, headers: $1) })
        }
        for id in ids { network.attach(id, responder: try responder(id)) }
        let membership = try ClusterMembership(members: members, selfID: "n1")
        let detector = FailureDetector(membership: membership,
                                       peers: PeerTransports(network: network, membership: membership, clusterToken: "t"),
                                       interval: .milliseconds(25), timeout: .milliseconds(600))
        let changes = await detector.changes()
        let heartbeats = Task { await detector.run() }
        defer { heartbeats.cancel() }
        network.crash("n3")
        var iterator = changes.filter { $0.peer == "n3" }.makeAsyncIterator()
        #expect(await iterator.next() == .init(peer: "n3", status: .suspected))
        network.attach("n3", responder: try responder("n3"))
        #expect(await iterator.next() == .init(peer: "n3", status: .alive))
        #expect(await detector.status(of: "n3") == .alive)
    }

    @Test func heartbeatsFromStrangersOrWithOtherMembershipAreRefused() async throws {
        let network = InMemoryNetwork(seed: 3)
        let members = [ClusterMembership.Member(id: "a", address: try SocketAddress(parsing: "127.0.0.1:1")),
                       ClusterMembership.Member(id: "b", address: try SocketAddress(parsing: "127.0.0.1:2"))]
        var router = RPCRouter()
        router.register(ClusterService(membership: try ClusterMembership(members: members, selfID: "b")))
        network.attach("b", responder: ConnectResponder(router: router, metrics: MetricsRegistry()))
        let client = RPCClient(transport: network.transport(from: "x", to: "b"))
        do {
            _ = try await client.call(NodeV1.Cluster.heartbeat, NodeV1.HeartbeatRequest(from: "x", members: ["a", "b"]))
            Issue.record("stranger accepted")
        } catch { #expect(error.code == .permissionDenied) }
        do {
            _ = try await client.call(NodeV1.Cluster.heartbeat, NodeV1.HeartbeatRequest(from: "a", members: ["a", "b", "c"]))
            Issue.record("mismatch accepted")
        } catch {
            #expect(error.code == .failedPrecondition)
            #expect(error.message.contains("membership mismatch"))
        }
        #expect(try await client.call(NodeV1.Cluster.heartbeat, NodeV1.HeartbeatRequest(from: "a", members: ["b", "a"])).nodeId == "b")
    }
}
