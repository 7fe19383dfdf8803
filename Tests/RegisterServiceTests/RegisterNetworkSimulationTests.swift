import Foundation
import RegisterCore
import RPC
import Testing
import TestSupport
@testable import RegisterService
import ReplicaMath

/// ABD's shell (`RegisterCoordinator` over `ReplicaCalls`, `ReplicaState` and real logs) on the
/// in-memory network with seeded faults, in real time: every history must be linearizable. The
/// protocol itself is checked on many more seeds, replayably, by `RegisterCoreTests`'
/// `RegisterSimulationTests` (virtual time); these seeds check that the shell performs it.
/// Seeds run one at a time: in parallel, hundreds of simulated clusters on two cores would turn
/// every operation into a timeout and test nothing.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct RegisterNetworkSimulationTests {
    static func simulate(replicas: Int, seed: UInt64, oneRoundWrites: Bool = true) async throws -> (LinearizabilityChecker.Verdict, [String]) {
        let cluster = try await SimulatedRegisterCluster(replicas: replicas, seed: seed, oneRoundWrites: oneRoundWrites, peerTimeout: .milliseconds(200))
        cluster.network.faults = FaultModel(dropRate: 0.03, duplicateRate: 0.03, delay: .zero ... .milliseconds(2))
        let recorder = HistoryRecorder()
        let keys = ["a", "b", "c"]
        let ids = cluster.ids
        let minority = (replicas - 1) / 2
        try await withThrowingTaskGroup(of: Void.self) { group in
            for process in 0..<6 {
                group.addTask {
                    var random = SeededGenerator.derived(seed: seed, "client-\(process)")
                    for step in 0..<14 {
                        let key = keys[Int(random.next() % UInt64(keys.count))]
                        let node = ids[Int(random.next() % UInt64(ids.count))]
                        let value: String? = random.next() % 2 == 0 ? "p\(process)-\(step)" : nil
                        await recorder.perform(process: process, key: key, write: value,
                                               client: cluster.client("c\(process)", to: node), timeout: .milliseconds(400))
                    }
                }
            }
            // The nemesis: partitions and crash-restarts, always of a minority.
            group.addTask {
                var random = SeededGenerator.derived(seed: seed, "nemesis")
                for _ in 0..<4 {
                    try await Task.sleep(for: .milliseconds(Int64(random.next() % 30) + 5))
                    let victims = Array(ids.shuffled(using: &random).prefix(max(1, minority)))
                    if random.next() % 2 == 0 {
                        cluster.network.partition([Set(victims), Set(ids).subtracting(victims).union((0..<6).map { "c\($0)" })])
                        try await Task.sleep(for: .milliseconds(Int64(random.next() % 40) + 10))
                        cluster.network.heal()
                    } else {
                        for victim in victims { await cluster.crash(victim) }
                        try await Task.sleep(for: .milliseconds(Int64(random.next() % 40) + 10))
                        for victim in victims { try await cluster.restart(victim) }
                    }
                }
            }
            try await group.waitForAll()
        }
        // Heal, restart, converge, then final reads through every node.
        cluster.network.heal()
        cluster.network.faults = .none
        try await cluster.restartAll()
        await cluster.converge()
        var failedFinals: [String] = []
        for key in keys {
            for (index, node) in ids.enumerated() {
                // Reads are idempotent: retry a few times if a loaded machine made one time out.
                var succeeded = false
                for _ in 0..<5 where !succeeded {
                    await recorder.perform(process: 100 + index, key: key, write: nil, client: cluster.client("final", to: node), timeout: .seconds(5))
                    succeeded = await recorder.operations.last?.outcome == .ok
                }
                if !succeeded { failedFinals.append("\(key)@\(node)") }
            }
        }
        let history = await recorder.operations
        let verdict = LinearizabilityChecker.check(history)
        if let path = ProcessInfo.processInfo.environment["REGISTER_HISTORY_DUMP"] {
            try? history.map(\.description).joined(separator: "\n").write(toFile: "\(path)-\(replicas)-\(seed).txt", atomically: true, encoding: .utf8)
        }
        await cluster.shutdown()
        return (verdict, failedFinals)
    }

    @Test(arguments: 0..<30)
    func threeReplicasStayLinearizable(seed: UInt64) async throws {
        let (verdict, failedFinals) = try await Self.simulate(replicas: 3, seed: seed)
        #expect(verdict == .linearizable, "seed \(seed): \(verdict)")
        #expect(failedFinals.isEmpty, "seed \(seed): final reads failed after healing: \(failedFinals)")
    }

    /// Writes that always query first (`--write-rounds 2`), as with five replicas.
    @Test(arguments: 2000..<2010)
    func threeReplicasWithTwoPhaseWritesStayLinearizable(seed: UInt64) async throws {
        let (verdict, failedFinals) = try await Self.simulate(replicas: 3, seed: seed, oneRoundWrites: false)
        #expect(verdict == .linearizable, "seed \(seed): \(verdict)")
        #expect(failedFinals.isEmpty, "seed \(seed): final reads failed after healing: \(failedFinals)")
    }

    /// Four replicas: one-round writes with a majority of three.
    @Test(arguments: 3000..<3010)
    func fourReplicasStayLinearizable(seed: UInt64) async throws {
        let (verdict, failedFinals) = try await Self.simulate(replicas: 4, seed: seed)
        #expect(verdict == .linearizable, "seed \(seed): \(verdict)")
        #expect(failedFinals.isEmpty, "seed \(seed): final reads failed after healing: \(failedFinals)")
    }

    @Test(arguments: 1000..<1020)
    func fiveReplicasStayLinearizable(seed: UInt64) async throws {
        let (verdict, failedFinals) = try await Self.simulate(replicas: 5, seed: seed)
        #expect(verdict == .linearizable, "seed \(seed): \(verdict)")
        #expect(failedFinals.isEmpty, "seed \(seed): final reads failed after healing: \(failedFinals)")
    }
}
