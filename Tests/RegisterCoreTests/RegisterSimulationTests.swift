import Foundation
import RegisterCore
import Testing
import TestSupport

/// ABD's coordinator core and replicas on virtual time (`RegisterSimulation`): seeded network
/// and disk faults, crashes and partitions of a minority; every history must be linearizable,
/// and a seed replays exactly. A failing seed prints the command that replays it.
@Suite(.timeLimit(.minutes(5)))
struct RegisterSimulationTests {
    static func settings(replicas: Int, oneRoundWrites: Bool = true) -> RegisterSimulation.Settings {
        var settings = RegisterSimulation.Settings()
        settings.replicas = replicas
        settings.oneRoundWrites = oneRoundWrites
        return settings
    }

    /// Runs one seed (on a thread of its own: a CPU-bound run on the cooperative pool would
    /// starve the other tests' tasks) and checks its outcome.
    static func check(seed: UInt64, _ settings: RegisterSimulation.Settings) async {
        let (simulation, verdict) = await onOwnThread {
            var simulation = RegisterSimulation(seed: seed, settings: settings)
            let verdict = simulation.run()
            return (simulation, verdict)
        }
        let replay = "REGISTER_SIMULATION_SEED=\(seed) REGISTER_SIMULATION_REPLICAS=\(settings.replicas) REGISTER_SIMULATION_ONE_ROUND=\(settings.oneRoundWrites) swift test --filter RegisterSimulationTests/replayOneSeed"
        #expect(verdict == .linearizable, "seed \(seed) (\(settings.replicas) replicas): \(verdict); replay: \(replay)")
        #expect(simulation.finalFailures.isEmpty, "seed \(seed): final reads failed \(simulation.finalFailures); replay: \(replay)")
        // Not vacuous: reads saw values and writes completed.
        #expect(simulation.history.contains { $0.outcome == .ok && $0.isReadOfAValue })
        #expect(simulation.history.contains { $0.outcome == .ok && $0.isWrite })
    }

    @Test(arguments: 0..<300)
    func threeReplicasStayLinearizable(seed: UInt64) async {
        await Self.check(seed: seed, Self.settings(replicas: 3))
    }

    @Test(arguments: 0..<100)
    func threeReplicasWithTwoRoundWritesStayLinearizable(seed: UInt64) async {
        await Self.check(seed: seed, Self.settings(replicas: 3, oneRoundWrites: false))
    }

    @Test(arguments: 0..<100)
    func fiveReplicasStayLinearizable(seed: UInt64) async {
        await Self.check(seed: seed, Self.settings(replicas: 5))
    }

    /// The same seed gives the same run, event for event; another seed another run.
    @Test func aSeedReplaysBitForBit() async {
        var settings = Self.settings(replicas: 3)
        settings.recordTrace = true
        let (first, second, other) = await onOwnThread { [settings] in
            var runs = [42, 42, 43].map { RegisterSimulation(seed: $0, settings: settings) }
            for index in runs.indices { _ = runs[index].run() }
            return (runs[0], runs[1], runs[2])
        }
        #expect(first.trace.count > 1000)
        #expect(first.trace == second.trace)
        #expect(first.history == second.history)
        #expect(first.trace != other.trace)
    }

    /// The faults the workload meets: unknown outcomes (crashes, timeouts) and refused calls.
    @Test func theFaultsCostOperations() async {
        let outcomes = await onOwnThread {
            (0..<20 as Range<UInt64>).flatMap { seed in
                var simulation = RegisterSimulation(seed: seed, settings: Self.settings(replicas: 3))
                _ = simulation.run()
                return simulation.history.map(\.outcome)
            }
        }
        #expect(outcomes.contains(.unknown) && outcomes.contains(.fail))
    }

    /// Whether some seed of a run with `fault` switched on breaks linearizability (it must).
    static func caught(_ fault: WritableKeyPath<RegisterSimulation.Settings, Bool>) async -> Bool {
        var settings = Self.settings(replicas: 3)
        settings[keyPath: fault] = true
        return await onOwnThread { [settings] in
            (0..<200 as Range<UInt64>).contains { seed in
                var simulation = RegisterSimulation(seed: seed, settings: settings)
                return simulation.run() != .linearizable
            }
        }
    }

    /// A read that skips its write-back breaks linearizability: the checker must see it.
    @Test func aSkippedWriteBackIsCaught() async {
        #expect(await Self.caught(\.skipWriteBack))
    }

    /// A write acknowledged although every peer refused its offer is lost: the checker must see it.
    @Test func anAcknowledgedRefusedOfferIsCaught() async {
        #expect(await Self.caught(\.acknowledgeRefusedOffers))
    }

    /// Replays the seed a failure printed (environment), or seed 0.
    @Test func replayOneSeed() async {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["REGISTER_SIMULATION_SEED"].flatMap { UInt64($0) } ?? 0
        let replicas = environment["REGISTER_SIMULATION_REPLICAS"].flatMap { Int($0) } ?? 3
        let oneRound = environment["REGISTER_SIMULATION_ONE_ROUND"].map { $0 != "false" } ?? true
        await Self.check(seed: seed, Self.settings(replicas: replicas, oneRoundWrites: oneRound))
    }
}


extension RegisterOperation {
    var isWrite: Bool { if case .write = kind { true } else { false } }
    var isReadOfAValue: Bool { if case .read(.some) = kind { true } else { false } }
}
