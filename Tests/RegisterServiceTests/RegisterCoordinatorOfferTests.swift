import RegisterCore
import RPC
import Synchronization
import Testing
import TestSupport
@testable import RegisterService

/// One-round writes through the coordinator over the in-memory network.
@Suite(.timeLimit(.minutes(3)))
struct RegisterCoordinatorOfferTests {
    /// A coordinator that has the key's latest version writes without a query phase: one offer
    /// to each peer and nothing else.
    @Test func aCurrentCoordinatorWritesInOneRoundTrip() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 11)
        let client = cluster.client("c", to: "n1")
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "a"))
        let second = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "b"))
        let calls = cluster.network.trace.filter { $0.hasPrefix("n1->") }.compactMap { $0.split(separator: " ")[1].split(separator: "/").last }
        #expect(calls == ["Offer", "Offer", "Offer", "Offer"], "\(calls)")
        let read = try await cluster.client("c", to: "n3").call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k"))
        #expect(read.value == "b" && read.version == second.version)
        await cluster.shutdown()
    }

    /// n1 misses a write (partitioned), then coordinates a write of its own from its stale
    /// version: both peers refuse the offer, and the write is done again after their version, so
    /// a later read sees it. (Acknowledging the refused offer instead loses the write: the checker
    /// catches that fault in `RegisterCoreTests.RegisterSimulationTests`, where it lives.)
    @Test func aCoordinatorThatIsBehindRewritesItsRefusedOffer() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 12, peerTimeout: .seconds(30))
        let recorder = HistoryRecorder()
        cluster.network.partition([["n1"], ["n2", "n3", "c0"]])
        await recorder.perform(process: 0, key: "k", write: "old", client: cluster.client("c0", to: "n2"), timeout: .seconds(60))
        cluster.network.heal()
        await recorder.perform(process: 1, key: "k", write: "new", client: cluster.client("c1", to: "n1"), timeout: .seconds(60))
        await recorder.perform(process: 2, key: "k", write: nil, client: cluster.client("c2", to: "n2"), timeout: .seconds(60))
        let operations = await recorder.operations
        #expect(operations.map(\.outcome) == [.ok, .ok, .ok])
        #expect(LinearizabilityChecker.check(operations) == .linearizable)
        #expect(operations.last?.kind == .read("new"))
        await cluster.shutdown()
    }

    /// A caller cancelled while its write waits (both peers paused: silent) hears at once; the write
    /// runs on to its own end (the peers' timeout), its completion is dropped, and nothing of
    /// it stays behind in the coordinator.
    @Test func aCancelledCallerHearsAtOnceAndLeavesNothingBehind() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 15, peerTimeout: .milliseconds(300))
        let coordinator = try #require(await cluster.coordinators["n1"])
        cluster.network.pause("n2")
        cluster.network.pause("n3")
        let call = Task { try await coordinator.write("k", value: "v", requestID: nil) }
        for _ in 0..<200 where coordinator.driver.withLock({ $0.waiters.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        for _ in 0..<2000 where coordinator.driver.withLock({ !$0.running.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        let left = coordinator.driver.withLock { ($0.running.count, $0.waiters.count, $0.early.count, $0.abandoned.count, $0.prepared.count) }
        #expect(left == (0, 0, 0, 0, 0))
        #expect(coordinator.driver.withLock { $0.core.running } == 0)
        cluster.network.resume("n2")
        cluster.network.resume("n3")
        #expect(try await coordinator.write("k", value: "w", requestID: nil).counter > 0)
        await cluster.shutdown()
    }

    /// An offer no majority settled (one peer unreachable, the other newer) fails as unknown; the
    /// retry with the same request id offers the same entry again, and once both peers answer
    /// (both newer) writes it anew.
    @Test func anUnsettledOfferIsOfferedAgainByItsRetry() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 13)
        let old = cluster.client("c0", to: "n2")
        cluster.network.partition([["n1"], ["n2", "n3", "c0"]])
        let first = try await old.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "old"))
        cluster.network.partition([["n1", "n3", "c1"], ["n2"]])
        let client = cluster.client("c1", to: "n1")
        let request = RegisterV1.WriteRequest(key: "k", value: "new", requestId: "r-1")
        do {
            _ = try await client.call(RegisterV1.Register.write, request, options: CallOptions(timeout: .seconds(60)))
            Issue.record("an offer refused by n3 and unanswered by n2 was acknowledged")
        } catch {
            #expect(error.code == .unavailable && error.message.contains("outcome is unknown"), "\(error)")
        }
        cluster.network.heal()
        let retried = try await client.call(RegisterV1.Register.write, request)
        #expect(try #require(first.version) < #require(retried.version))
        #expect(try await cluster.client("c1", to: "n2").call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k")).value == "new")
        await cluster.shutdown()
    }

    /// A coordinator far behind (its peers replaced, and forgot, versions above the one it
    /// starts from) gets only `newerUnvouched` answers. For a first offer they still mean nobody
    /// holds the entry, so the write is done again rather than failing as unknown.
    @Test func aFirstOfferRefusedWithoutVouchingIsStillRewritten() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 14)
        let history = (1...(ReplicaState.replacedMemory + 4)).map { counter in
            ("k", Entry(version: Version(counter: UInt64(counter), writer: "n9/z/\(counter)"), value: "old \(counter)"))
        }
        for id in ["n2", "n3"] { try await #require(await cluster.replicas[id]).store(history) }
        let written = try await cluster.client("c", to: "n1").call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "new"),
                                                                   options: CallOptions(timeout: .seconds(60)))
        #expect(written.version?.counter == Int64(ReplicaState.replacedMemory + 5))
        #expect(try await cluster.client("c", to: "n2").call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k")).value == "new")
        await cluster.shutdown()
    }
}
