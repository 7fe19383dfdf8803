import Foundation
import Testing
@testable import NodeCLI

/// `node cluster`'s restart bookkeeping, driven with explicit times.
struct ClusterSupervisorTests {
    let start = ContinuousClock.now

    func supervisor(restart: Bool = true) -> ClusterSupervisor {
        ClusterSupervisor(ids: ["n1", "n2", "n3"], children: [Process(), Process(), Process()], restart: restart, generation: 1, now: start)
    }

    @Test func anExitedReplicaIsRestartedAndCountedAgain() {
        var supervisor = supervisor()
        #expect(supervisor.exited("n2", generation: 1, now: start + .seconds(60)) == .restart(after: ClusterSupervisor.restartDelay))
        #expect(supervisor.running == 2 && supervisor.restartPending)
        let generation = supervisor.nextGeneration()
        supervisor.restarted("n2", child: Process(), generation: generation, now: start + .seconds(61))
        #expect(supervisor.running == 3 && !supervisor.restartPending)
        // The old launch's exit, reported late, changes nothing.
        #expect(supervisor.exited("n2", generation: 1, now: start + .seconds(62)) == nil)
        #expect(supervisor.running == 3)
    }

    @Test func aReplicaThatKeepsExitingAtOnceIsGivenUp() {
        var supervisor = supervisor()
        var now = start + .seconds(1)
        var generation = 1
        for _ in 1..<ClusterSupervisor.maxQuickExits {
            #expect(supervisor.exited("n1", generation: generation, now: now) == .restart(after: ClusterSupervisor.restartDelay))
            generation = supervisor.nextGeneration()
            supervisor.restarted("n1", child: Process(), generation: generation, now: now)
            now = now + .seconds(2)
        }
        guard case .giveUp = supervisor.exited("n1", generation: generation, now: now) else {
            Issue.record("restarted a replica that exits at once forever")
            return
        }
        #expect(supervisor.running == 2 && !supervisor.restartPending && supervisor.majority == 2)
    }

    @Test func withoutRestartsExitsAreFinal() {
        var supervisor = supervisor(restart: false)
        #expect(supervisor.exited("n3", generation: 1, now: start + .seconds(30)) == .giveUp("--no-restart"))
        #expect(supervisor.running == 2)
    }
}
