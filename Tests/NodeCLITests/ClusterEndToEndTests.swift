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

    @Test func oneReplicaDyingStopsTheRest() async throws {
        let cluster = try NodeProcess(["cluster", "--role", "consensus", "--replicas", "2"])
        let members = try await members(of: cluster, count: 2)
        for member in members { _ = try await waitHealthy(member.address) }
        kill(members[0].pid, SIGKILL)
        #expect(try await cluster.waitForExit() != 0)
        #expect(await cluster.waitForStderr(containing: "replica n1 exited"))
        #expect(kill(members[1].pid, 0) != 0)
    }
}

/// `node cluster`'s start-up check: a replica counts as started only when its own id answers on
/// its port (another process may have taken a port picked as free).
struct ClusterStartupTests {
    @Test func onlyTheReplicaItselfCountsAsStarted() async throws {
        let (node, address) = try await NodeProcess.serve(["--id", "n2"])
        let parts = address.split(separator: ":")
        let host = String(parts[0])
        let port = try #require(Int(parts[1]))
        #expect(await ClusterStartup.replicasAnswer(ids: ["n2"], host: host, ports: [port], children: [node.process]))
        // Someone else answering on n1's port: n1 did not start.
        #expect(await !ClusterStartup.replicasAnswer(ids: ["n1"], host: host, ports: [port], children: [node.process],
                                                     timeout: .seconds(5)))
        node.signal(SIGTERM)
        _ = try await node.waitForExit()
        // A replica that exited did not start either.
        #expect(await !ClusterStartup.replicasAnswer(ids: ["n2"], host: host, ports: [port], children: [node.process]))
    }
}
