import Replication
import Cluster
import Foundation
import RegisterCore
import RPC
import Testing
import TestSupport
@testable import RegisterService

@Suite(.timeLimit(.minutes(3)))
struct RegisterServiceTests {
    @Test func writeReadDeleteAcrossReplicas() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 2)
        let first = cluster.client("c", to: "n1")
        let third = cluster.client("c", to: "n3")
        let written = try await first.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "v1"))
        let read = try await third.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k"))
        #expect(read.found && read.value == "v1" && read.version == written.version)
        let deleted = try await third.call(RegisterV1.Register.delete, RegisterV1.DeleteRequest(key: "k"))
        #expect(try #require(written.version) < #require(deleted.version))
        #expect(try await first.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k")).found == false)
        #expect(try await first.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "never")).found == false)
        await cluster.shutdown()
    }

    /// A replica that missed writes while down gets them from anti-entropy, which counts what it
    /// moved (the `/metrics` counters).
    @Test func antiEntropyCountsWhatItRepairs() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 21)
        await cluster.crash("n3")
        for index in 0..<5 {
            _ = try await cluster.client("c", to: "n1").call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k\(index)", value: "v"),
                                                          options: CallOptions(timeout: .seconds(60)))
        }
        try await cluster.restart("n3")
        let counts = await cluster.converge()
        // n1 runs first and pushes the five to n3; nothing else moves.
        #expect(counts["n1"]?.pushed == 5)
        #expect(counts.values.map { $0.pulled + $0.pushed }.reduce(0, +) == 5)
        #expect(await cluster.replicas["n3"]?.keyCount == 5)
        await cluster.shutdown()
    }

    @Test func aRetriedRequestIDReturnsTheFirstVersion() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 3)
        let client = cluster.client("c", to: "n2")
        let once = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "a", requestId: "req-1"))
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "b"))
        let again = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "a", requestId: "req-1"))
        #expect(again.version == once.version)
        #expect(try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k")).value == "b")
        await cluster.shutdown()
    }

    @Test func aMinorityDownStillServesAMajorityDownIsUnavailable() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 4)
        let client = cluster.client("c", to: "n1")
        await cluster.crash("n3")
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "still"))
        await cluster.crash("n2")
        do {
            _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "lost?"), options: CallOptions(timeout: .seconds(60)))
            Issue.record("wrote without a majority")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("outcome is unknown"))
        }
        try await cluster.restartAll()
        #expect(try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k")).value != "")
        await cluster.shutdown()
    }

    /// A query phase asks one peer of three (n1's next on the ring, n2); when n2 is unreachable
    /// it asks n3 instead, and keeps asking n3 first while n2 has not answered again. (Writes
    /// query first here: with one-round writes only reads would.)
    @Test func queriesAskOnePeerAndPassOverAnUnreachableOne() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 5, oneRoundWrites: false)
        let client = cluster.client("c", to: "n1")
        func queries() -> [String] {
            cluster.network.trace.filter { $0.contains("Replica/Query") }.map { String($0.prefix(6)) }
        }
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "a"))
        #expect(queries() == ["n1->n2"])
        await cluster.crash("n2")
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "b"))
        #expect(try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k")).value == "b")
        #expect(queries() == ["n1->n2", "n1->n2", "n1->n3", "n1->n3"])
        await cluster.shutdown()
    }

    /// A silent peer (paused, not down) is given up on after the short query timeout rather than
    /// the peer timeout: with an hour-long peer timeout, a write through n1 while n2 is paused
    /// finishes within a 2-minute deadline (it could not if it waited for n2), by asking n3.
    @Test func aSilentPeerIsReplacedWithoutWaitingForThePeerTimeout() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 6, peerTimeout: .seconds(3600))
        let client = cluster.client("c", to: "n1")
        cluster.network.pause("n2")
        let options = CallOptions(timeout: .seconds(120))
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "a"), options: options)
        #expect(try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "k"), options: options).value == "a")
        cluster.network.resume("n2")
        await cluster.shutdown()
    }

    @Test func badInputIsRejectedBeforeAnyEffect() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 5)
        let client = cluster.client("c", to: "n1")
        func code(_ body: () async throws -> Void) async -> ConnectCode? {
            do { try await body(); return nil } catch { return (error as? ConnectError)?.code }
        }
        #expect(await code { _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "", value: "x")) } == .invalidArgument)
        #expect(await code { _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: String(repeating: "k", count: 1025), value: "x")) } == .invalidArgument)
        #expect(await code { _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: String(repeating: "v", count: (1 << 20) + 1))) } == .invalidArgument)
        let raw = cluster.network.transport(from: "c", to: "n1")
        do {
            _ = try await raw.unary(path: RegisterV1.Register.write.path, body: Array(#"{"key":5,"value":"x"}"#.utf8), options: CallOptions())
            Issue.record("wrong type accepted")
        } catch { #expect(error.code == .invalidArgument && error.message.contains("key")) }
        do {
            _ = try await raw.unary(path: "/register.v1.Register/Nope", body: Array("{}".utf8), options: CallOptions())
            Issue.record("unknown method accepted")
        } catch { #expect(error.code == .unimplemented) }
        // The peer service needs the cluster token.
        do {
            _ = try await raw.unary(path: RegisterV1.Replica.query.path, body: Array(#"{"keys":["k"]}"#.utf8), options: CallOptions())
            Issue.record("peer service open without a token")
        } catch { #expect(error.code == .unauthenticated) }
        #expect(await cluster.replicas["n1"]?.keyCount == 0)
        await cluster.shutdown()
    }

    /// A read whose quorum disagrees writes back before answering, so a later read through a
    /// different majority sees the same value. (A read that skips the write-back is caught by the
    /// checker in `RegisterCoreTests.RegisterSimulationTests`, where that fault lives.)
    @Test func aReadWritesBackWhatOnlyOneReplicaHolds() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 6)
        let recorder = HistoryRecorder()
        await recorder.perform(process: 0, key: "x", write: "old", client: cluster.client("c0", to: "n1"), timeout: .seconds(60))
        // A write that reached only n1 (its coordinator crashed after storing locally).
        let n1 = try #require(await cluster.replicas["n1"])
        let current = n1.read("x")?.version ?? .zero
        try await n1.store([("x", Entry(version: current.next(by: "crashed-writer"), value: "new"))])
        await recorder.record(RegisterOperation(process: 1, key: "x", kind: .write("new"), invoke: recorder.now(), complete: 0, outcome: .unknown))
        // n1's quorum {n1, n2} sees "new"; then n1 is cut off and n3's quorum {n2, n3} answers.
        cluster.network.partition([["n1", "n2", "c1"], ["n3"]])
        await recorder.perform(process: 2, key: "x", write: nil, client: cluster.client("c1", to: "n1"), timeout: .seconds(60))
        cluster.network.partition([["n1"], ["n2", "n3", "c2"]])
        await recorder.perform(process: 3, key: "x", write: nil, client: cluster.client("c2", to: "n3"), timeout: .seconds(60))
        let operations = await recorder.operations
        #expect(operations.suffix(2).map(\.kind) == [.read("new"), .read("new")])
        #expect(LinearizabilityChecker.check(operations) == .linearizable)
        await cluster.shutdown()
    }

    /// ReadLocal shows only what this replica holds durably: an entry kept after its log stopped
    /// (a write the process dies before syncing, never acknowledged) is not shown.
    @Test func readLocalShowsOnlyDurableEntries() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 1, seed: 8)
        let client = cluster.client("c", to: "n1")
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "old"))
        await cluster.stopLog("n1")
        await #expect(throws: ConnectError.self) { try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k", value: "new")) }
        let local = try? await client.call(RegisterV1.Register.readLocal, RegisterV1.ReadRequest(key: "k"))
        #expect(local?.value != "new", "ReadLocal showed a write that never became durable")
        await cluster.shutdown()
    }

    @Test func antiEntropyCatchesUpAReplicaThatMissedWrites() async throws {
        let cluster = try await SimulatedRegisterCluster(replicas: 3, seed: 7)
        await cluster.crash("n3")
        let client = cluster.client("c", to: "n1")
        for index in 0..<50 { _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "k\(index)", value: "v\(index)")) }
        try await cluster.restart("n3")
        let n3 = try #require(await cluster.replicas["n3"])
        #expect(n3.keyCount == 0)
        await cluster.converge()
        #expect(n3.keyCount == 50)
        for index in 0..<50 { #expect(n3.read("k\(index)")?.value == "v\(index)") }
        await cluster.shutdown()
    }
}

/// No peers (a single-replica coordinator for contract checks).
enum PeerTransportsEmpty {
    static let none = PeerTransports(clients: [:])
}
