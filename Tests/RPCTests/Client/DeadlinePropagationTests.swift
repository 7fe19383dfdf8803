import Testing
@testable import RPC

/// A handler's remaining budget travels as `Connect-Timeout-Ms` on the peer calls it makes.
@Suite(.timeLimit(.minutes(3)))
struct DeadlinePropagationTests {
    static let relay = RPCMethod<NodeV1.EchoMessage, NodeV1.EchoMessage>("test.v1.Relay", "Relay")
    static let report = RPCMethod<NodeV1.EchoMessage, NodeV1.EchoMessage>("test.v1.Relay", "Report")

    @Test func peerCallsCarryTheCallersRemainingBudget() async throws {
        let network = InMemoryNetwork(seed: 1)
        var downstream = RPCRouter()
        downstream.register(Self.report) { _, context in
            NodeV1.EchoMessage(message: context.requestHeaders["connect-timeout-ms"] ?? "none")
        }
        network.attach("b", responder: ConnectResponder(router: downstream, metrics: MetricsRegistry()))
        let peer = RPCClient(transport: network.transport(from: "a", to: "b"))
        var upstream = RPCRouter()
        upstream.register(Self.relay) { _, _ in
            try await Task.sleep(for: .milliseconds(50))
            return try await peer.call(Self.report, NodeV1.EchoMessage(message: ""))
        }
        network.attach("a", responder: ConnectResponder(router: upstream, metrics: MetricsRegistry()))
        let client = RPCClient(transport: network.transport(from: "client", to: "a"))

        let reply = try await client.call(Self.relay, NodeV1.EchoMessage(message: ""), options: CallOptions(timeout: .seconds(120)))
        let forwarded = try #require(Int(reply.message))
        // The relay slept at least 50 ms first, so at most 119,950 ms were left (no upper bound on
        // how slow the machine is: any positive budget means it was carried). The budget is
        // generous so that a starved machine cannot make the call itself time out.
        #expect(forwarded <= 119_950 && forwarded > 0, "forwarded budget \(forwarded) ms")

        let unbounded = try await client.call(Self.relay, NodeV1.EchoMessage(message: ""))
        #expect(unbounded.message == "none")
    }
}
