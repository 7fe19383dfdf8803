import Foundation
import Testing
import TestSupport

/// The quorum and read-your-writes boards on virtual time (`BulletinSimulation`): seeded
/// network and disk faults, crashes and partitions of a minority; the modes' promises are
/// checked after every run, and a seed replays exactly.
@Suite(.timeLimit(.minutes(5)))
struct BulletinSimulationTests {
    static func settings(_ mode: BulletinSimulation.Mode) -> BulletinSimulation.Settings {
        var settings = BulletinSimulation.Settings()
        settings.mode = mode
        return settings
    }

    static func check(seed: UInt64, _ settings: BulletinSimulation.Settings) async {
        let simulation = await onOwnThread {
            var simulation = BulletinSimulation(seed: seed, settings: settings)
            _ = simulation.run()
            return simulation
        }
        #expect(simulation.violations.isEmpty, "seed \(seed) \(settings.mode): \(simulation.violations.prefix(5)); replay: BULLETIN_SIMULATION_SEED=\(seed) BULLETIN_SIMULATION_MODE=\(settings.mode == .readYourWrites ? "ryw" : "quorum") swift test --filter BulletinSimulationTests/replayOneSeed")
        #expect(simulation.counts.posts > 0 && simulation.counts.reads > 0)
    }

    @Test(arguments: 0..<150)
    func quorumModeKeepsItsPromises(seed: UInt64) async {
        await Self.check(seed: seed, Self.settings(.quorum(read: 2, write: 2)))
    }

    @Test(arguments: 0..<150)
    func readYourWritesModeKeepsItsPromises(seed: UInt64) async {
        await Self.check(seed: seed, Self.settings(.readYourWrites))
    }

    @Test func aSeedReplaysBitForBit() async {
        var settings = Self.settings(.quorum(read: 2, write: 2))
        settings.recordTrace = true
        let traces = await onOwnThread { [settings] in
            ([7, 7, 8] as [UInt64]).map { seed -> [String] in
                var simulation = BulletinSimulation(seed: seed, settings: settings)
                _ = simulation.run()
                return simulation.trace
            }
        }
        #expect(traces[0].count > 500 && traces[0] == traces[1] && traces[0] != traces[2])
    }

    /// Each planted fault breaks a promise in some seed.
    static func caught(_ mode: BulletinSimulation.Mode, _ fault: WritableKeyPath<BulletinSimulation.Settings, Bool>) async -> Bool {
        var settings = Self.settings(mode)
        settings[keyPath: fault] = true
        return await onOwnThread { [settings] in
            (0..<150 as Range<UInt64>).contains { seed in
                var simulation = BulletinSimulation(seed: seed, settings: settings)
                return !simulation.run().isEmpty
            }
        }
    }

    @Test func acknowledgingBeforeTheWriteQuorumIsCaught() async {
        #expect(await Self.caught(.quorum(read: 2, write: 2), \.acknowledgeEarly))
    }

    @Test func showingWhatIsNotDurableIsCaught() async {
        #expect(await Self.caught(.readYourWrites, \.showUnflushed))
    }

    /// Item names reused across restarts: a post lost with its coordinator's unsynced copy, but
    /// held by a peer, shares its number with the next post, and the boards never agree again.
    @Test func originsReusedAcrossRestartsAreCaught() async {
        #expect(await Self.caught(.quorum(read: 2, write: 2), \.reuseOrigins))
    }

    @Test func readsThatIgnoreTheSessionAreCaught() async {
        #expect(await Self.caught(.readYourWrites, \.ignoreSessions))
    }

    @Test func replayOneSeed() async {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["BULLETIN_SIMULATION_SEED"].flatMap { UInt64($0) } ?? 0
        let mode: BulletinSimulation.Mode = environment["BULLETIN_SIMULATION_MODE"] == "ryw" ? .readYourWrites : .quorum(read: 2, write: 2)
        await Self.check(seed: seed, Self.settings(mode))
    }
}
