import Testing
@testable import RPC

/// Peer calls are counted per peer, method and code, and timed per peer.
struct MeteredTransportTests {
    @Test func everyUnaryCallIsRecordedOnceUnderItsPeer() async throws {
        let network = InMemoryNetwork(seed: 1)
        network.attach("s1", responder: TestRouter.responder())
        let metrics = MetricsRegistry()
        let client = RPCClient(transport: MeteredTransport(network.transport(from: "c", to: "s1"), peer: "n2", metrics: metrics))
        _ = try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "a"))
        _ = try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "b"))
        await #expect(throws: ConnectError.self) { try await client.call(TestRouter.fail, NodeV1.EchoMessage(message: "x")) }
        let text = metrics.render()
        #expect(text.contains(#"replnode_peer_calls_total{peer="n2",method="/node.v1.Diagnostics/Echo",code="ok"} 2"#), "\(text)")
        #expect(text.contains(#"replnode_peer_calls_total{peer="n2",method="/test.v1.Test/Fail",code="failed_precondition"} 1"#), "\(text)")
        #expect(text.contains(#"replnode_peer_call_duration_seconds_count{peer="n2"} 3"#))
        #expect(text.contains(#"replnode_peer_call_duration_seconds_bucket{peer="n2",le="+Inf"} 3"#))
    }
}
