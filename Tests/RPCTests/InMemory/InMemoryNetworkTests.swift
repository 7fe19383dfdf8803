import Synchronization
import Testing
@testable import RPC

/// Counts the Echo requests a node received, in arrival order.
final class ArrivalLog: Sendable {
    let arrivals = Mutex<[String]>([])
    var all: [String] { arrivals.withLock { $0 } }

    func responder() -> ConnectResponder {
        var router = RPCRouter()
        router.register(NodeV1.Diagnostics.echo) { [self] request, _ in
            arrivals.withLock { $0.append(request.message) }
            return NodeV1.EchoMessage(message: request.message)
        }
        return ConnectResponder(router: router, metrics: MetricsRegistry())
    }
}

@Suite(.timeLimit(.minutes(1)))
struct InMemoryNetworkTests {
    func call(_ network: InMemoryNetwork, _ message: String, timeout: Duration = .seconds(10)) async -> Result<String, ConnectError> {
        let client = RPCClient(transport: network.transport(from: "a", to: "b"))
        do {
            return .success(try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: message), options: CallOptions(timeout: timeout)).message)
        } catch {
            return .failure(error)
        }
    }

    @Test func deliversThroughTheFullCodecPath() async {
        let network = InMemoryNetwork(seed: 1)
        network.attach("b", responder: ArrivalLog().responder())
        #expect(await call(network, "hi") == .success("hi"))
    }

    /// A binary-protobuf client: the request travels as application/proto and the answer is read back.
    @Test func aClientSpeaksItsCodec() async throws {
        let network = InMemoryNetwork(seed: 1)
        network.attach("b", responder: TestRouter.responder())
        let client = RPCClient(transport: network.transport(from: "a", to: "b"), codec: .proto)
        let (message, headers) = try await client.callWithHeaders(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "bin"),
                                                                  options: CallOptions(timeout: .seconds(10)))
        #expect(message.message == "bin")
        #expect(headers["content-type"] == "application/proto")
        let ticks = client.stream(NodeV1.Diagnostics.ticks, NodeV1.TicksRequest(message: "t", count: 2))
        var received: [String] = []
        for try await tick in ticks { received.append(tick.message) }
        #expect(received == ["t0", "t1"])
    }

    /// The same seed gives the same decisions for the same messages; the seed is in every failure message.
    @Test func sameSeedSameRun() async {
        func run(seed: UInt64) async -> [String] {
            let network = InMemoryNetwork(seed: seed)
            network.attach("b", responder: ArrivalLog().responder())
            network.faults = FaultModel(dropRate: 0.3, duplicateRate: 0.2, delay: .zero ... .milliseconds(2))
            for index in 0..<30 { _ = await call(network, "m\(index)", timeout: .milliseconds(20)) }
            return network.trace
        }
        let first = await run(seed: 42)
        let second = await run(seed: 42)
        let other = await run(seed: 43)
        #expect(first == second, "seed 42 diverged")
        #expect(first != other)
        #expect(first.contains { $0.contains("dropped") })
    }

    @Test func droppedMessagesTimeOut() async {
        let network = InMemoryNetwork(seed: 7)
        network.attach("b", responder: ArrivalLog().responder())
        network.faults = FaultModel(dropRate: 1)
        for index in 0..<4 {
            guard case .failure(let error) = await call(network, "\(index)", timeout: .milliseconds(30)) else {
                Issue.record("delivered despite dropRate 1"); continue
            }
            #expect(error.code == .deadlineExceeded)
        }
    }

    @Test func duplicatesReachTheHandlerTwice() async {
        let network = InMemoryNetwork(seed: 3)
        let log = ArrivalLog()
        network.attach("b", responder: log.responder())
        network.faults = FaultModel(duplicateRate: 1)
        #expect(await call(network, "once") == .success("once"))
        #expect(log.all == ["once", "once"])
    }

    @Test func delaysReorderMessages() async {
        let network = InMemoryNetwork(seed: 11)
        let log = ArrivalLog()
        network.attach("b", responder: log.responder())
        network.faults = FaultModel(delay: .zero ... .milliseconds(200))
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { _ = await self.call(network, "\(index)", timeout: .seconds(5)) }
            }
        }
        #expect(log.all.count == 20)
        #expect(log.all != (0..<20).map(String.init), "no reordering with random delays")
    }

    @Test func partitionsBlockAndHeal() async {
        let network = InMemoryNetwork(seed: 5)
        network.attach("b", responder: ArrivalLog().responder())
        network.partition([["a"], ["b", "c"]])
        guard case .failure(let error) = await call(network, "x") else { Issue.record("crossed a partition"); return }
        #expect(error.code == .unavailable)
        network.heal()
        #expect(await call(network, "y") == .success("y"))
    }

    @Test func crashLosesStateAndRestartServesAgain() async {
        let network = InMemoryNetwork(seed: 9)
        let before = ArrivalLog()
        network.attach("b", responder: before.responder())
        #expect(await call(network, "1") == .success("1"))
        network.crash("b")
        guard case .failure(let error) = await call(network, "2") else { Issue.record("crashed node answered"); return }
        #expect(error.code == .unavailable)
        let after = ArrivalLog()
        network.attach("b", responder: after.responder())
        #expect(await call(network, "3") == .success("3"))
        #expect(before.all == ["1"])
        #expect(after.all == ["3"])
    }
}
