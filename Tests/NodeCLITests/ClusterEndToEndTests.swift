import Foundation
import Testing
@testable import NodeCLI

/// `node cluster`: children wired as peers; all stop on a signal or when one dies.
@Suite(.timeLimit(.minutes(2)))
struct ClusterEndToEndTests {
    struct Member { let id: String; let address: String; let pid: Int32 }

    func members(of cluster: NodeProcess, count: Int) async throws -> [Member] {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let lines = cluster.stdout.split(separator: "\n").filter { $0.hasPrefix("  n") }
            if lines.count == count {
                return lines.map { line in
                    let parts = line.split(separator: " ")
                    return Member(id: String(parts[0]), address: String(parts[1]), pid: Int32(parts[3]) ?? 0)
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProcessError("cluster did not print its members: \(cluster.stdout) \(cluster.stderr)")
    }

    func waitHealthy(_ address: String) async throws -> String {
        for _ in 0..<100 {
            let result = try await NodeProcess.run(["call", address, "node.v1.Health/Check"])
            if result.status == 0 { return result.out }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ProcessError("\(address) never became healthy")
    }

    @Test func startsWiredReplicasAndStopsThemOnSignal() async throws {
        let cluster = try NodeProcess(["cluster", "--role", "register", "--replicas", "3"])
        let members = try await members(of: cluster, count: 3)
        #expect(members.map(\.id) == ["n1", "n2", "n3"])
        for member in members {
            let health = try await waitHealthy(member.address)
            #expect(health.contains("\"nodeId\" : \"\(member.id)\""))
            #expect(health.contains("register"))
        }
        cluster.signal(SIGINT)
        #expect(try await cluster.waitForExit() == 0)
        for member in members { #expect(kill(member.pid, 0) != 0, "\(member.id) still running") }
    }

    /// A replica killed with -9 is reported (with whether a majority holds) and started again
    /// with the same id and port; Ctrl-C then stops everything and removes the temporary data.
    @Test func aDeadReplicaIsReportedAndRestarted() async throws {
        let cluster = try NodeProcess(["cluster", "--role", "register", "--replicas", "3"])
        let members = try await members(of: cluster, count: 3)
        for member in members { _ = try await waitHealthy(member.address) }
        let header = try #require(cluster.stdout.split(separator: "\n").first { $0.hasPrefix("cluster of 3") })
        let dataRoot = try #require(header.split(separator: "(data in ").last?.split(separator: ",").first.map(String.init))
        #expect(FileManager.default.fileExists(atPath: dataRoot))
        kill(members[1].pid, SIGKILL)
        #expect(await cluster.waitForStderr(containing: "replica n2 exited (signal 9); 2 of 3 running, majority holds"))
        #expect(await cluster.waitForStderr(containing: "replica n2 restarted, pid"))
        let health = try await waitHealthy(members[1].address)
        #expect(health.contains("\"nodeId\" : \"n2\""))
        #expect(cluster.process.isRunning)
        cluster.signal(SIGINT)
        #expect(try await cluster.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: dataRoot), "temporary data dir left behind")
        let replicas = cluster.stderr.split(separator: "\n").compactMap { $0.split(separator: "restarted, pid ").last.flatMap { Int32($0) } }
        for pid in [members[0].pid, members[2].pid] + replicas { #expect(kill(pid, 0) != 0, "\(pid) still running") }
    }

    /// With --no-restart, losing the majority stops the cluster.
    @Test func withoutRestartsALostMajorityStopsTheCluster() async throws {
        let cluster = try NodeProcess(["cluster", "--role", "consensus", "--replicas", "2", "--no-restart"])
        let members = try await members(of: cluster, count: 2)
        for member in members { _ = try await waitHealthy(member.address) }
        kill(members[0].pid, SIGKILL)
        #expect(try await cluster.waitForExit() != 0)
        #expect(cluster.stderr.contains("replica n1 exited (signal 9); 1 of 2 running, majority lost"))
        #expect(cluster.stderr.contains("a majority is down and will not come back"))
        #expect(kill(members[1].pid, 0) != 0)
    }
}
