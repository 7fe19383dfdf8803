import Testing
@testable import RPC
import ReplicaMath

@Suite(.timeLimit(.minutes(1)))
struct FailoverTransportTests {
    func network() -> InMemoryNetwork {
        let network = InMemoryNetwork(seed: 1)
        for id in ["s1", "s2", "s3"] { network.attach(id, responder: TestRouter.responder()) }
        return network
    }

    @Test func failsOverToTheNextServerAndSticksToIt() async throws {
        let network = network()
        let failover = FailoverTransport(["s1", "s2", "s3"].map { network.transport(from: "c", to: $0) },
                                         policy: RetryPolicy(maxAttempts: 6, initialBackoff: .milliseconds(1)))
        let client = RPCClient(transport: failover)
        network.crash("s1")
        #expect(try await client.call(NodeV1.Health.check, NodeV1.CheckRequest()).nodeId == "t1")
        #expect(failover.current == 1)
        // Even a non-idempotent call may go elsewhere when the request was never sent.
        network.crash("s2")
        #expect(try await client.call(TestRouter.big, NodeV1.EchoMessage(message: "")).message.count == 5000)
        #expect(failover.current == 2)
    }

    @Test func nonIdempotentCallsAreNotRetriedAfterTheyMayHaveRun() async {
        let network = network()
        network.faults = FaultModel(dropRate: 1)
        let failover = FailoverTransport(["s1", "s2"].map { network.transport(from: "c", to: $0) })
        let client = RPCClient(transport: failover)
        do {
            _ = try await client.call(TestRouter.fail, NodeV1.EchoMessage(message: "x"), options: CallOptions(timeout: .milliseconds(100)))
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        #expect(network.trace.count == 1, "a possibly-executed non-idempotent call was retried: \(network.trace)")
    }

    @Test func givesUpWithUnavailableWhenEveryServerIsDown() async {
        let network = network()
        for id in ["s1", "s2", "s3"] { network.crash(id) }
        let client = RPCClient(transport: FailoverTransport(["s1", "s2", "s3"].map { network.transport(from: "c", to: $0) },
                                                            policy: RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(1))))
        do {
            _ = try await client.call(NodeV1.Health.check, NodeV1.CheckRequest())
            Issue.record("expected unavailable")
        } catch {
            #expect(error.code == .unavailable)
        }
    }

    @Test func backoffIsCappedAndJittered() {
        var generator = SeededGenerator(seed: 1)
        let policy = RetryPolicy(initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(80))
        for attempt in 1...10 {
            let pause = policy.backoff(attempt: attempt, using: &generator)
            #expect(pause >= .zero && pause <= .milliseconds(80))
        }
        let pauses = (1...20).map { _ in policy.backoff(attempt: 3, using: &generator) }
        #expect(Set(pauses).count > 1)
    }
}
