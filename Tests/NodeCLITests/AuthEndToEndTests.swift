import Foundation
import Testing
import TestSupport

/// Cluster and client tokens enforced by a real `node serve`, checked with `node call`.
@Suite(.timeLimit(.minutes(2)))
struct AuthEndToEndTests {
    @Test func peerAndClientTokensAreEnforced() async throws {
        let directory = ScratchDirectory.path("auth")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tokens = directory + "/clients"
        try "# who may call\nalice alice-token\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        let (server, address) = try await NodeProcess.serve(["--cluster-token", "cluster-secret", "--client-tokens", tokens])
        let heartbeat = #"{"from":"n1","members":["n1"]}"#

        let none = try await NodeProcess.run(["call", address, "node.v1.Cluster/Heartbeat", heartbeat])
        #expect(none.status == 16)
        #expect(none.err.contains("unauthenticated"))
        let wrong = try await NodeProcess.run(["call", address, "node.v1.Cluster/Heartbeat", heartbeat, "-H", "Authorization: Bearer nope"])
        #expect(wrong.status == 16)
        let client = try await NodeProcess.run(["call", address, "node.v1.Cluster/Heartbeat", heartbeat, "-H", "Authorization: Bearer alice-token"])
        #expect(client.status == 7)
        #expect(client.err.contains("permission_denied"))
        let peer = try await NodeProcess.run(["call", address, "node.v1.Cluster/Heartbeat", heartbeat, "-H", "Authorization: Bearer cluster-secret"])
        #expect(peer.status == 0)

        let anonymousEcho = try await NodeProcess.run(["call", address, "node.v1.Diagnostics/Echo", "{}"])
        #expect(anonymousEcho.status == 16)
        let aliceEcho = try await NodeProcess.run(["call", address, "node.v1.Diagnostics/Echo", #"{"message":"hi"}"#, "-H", "Authorization: Bearer alice-token"])
        #expect(aliceEcho.status == 0)
        // Health stays open for probes and load balancers.
        #expect(try await NodeProcess.run(["call", address, "node.v1.Health/Check"]).status == 0)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func warnsWhenPeerServicesAreOpenAndLocksTheDataDirectory() async throws {
        let directory = ScratchDirectory.path("lock")
        let (first, _) = try await NodeProcess.serve(["--id", "n1", "--peers", "n1=127.0.0.1:0,n2=127.0.0.1:1", "--data-dir", directory])
        #expect(await first.waitForStderr(containing: "no cluster token configured"))
        let second = try await NodeProcess.run(["serve", "--role", "consensus", "--listen", "127.0.0.1:0", "--data-dir", directory])
        #expect(second.status == 73)
        #expect(second.err.contains("in use by another process"))
        first.signal(SIGTERM)
        _ = try await first.waitForExit()
    }
}
