import Foundation
import RegisterService
import RPC
import Testing
import TestSupport

/// A node whose data directory fills up: writes fail clearly (nothing acknowledged without
/// durability), Health says NOT_SERVING with the reason and /metrics shows it, and once space
/// returns the node serves writes again without a restart.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DiskFullEndToEndTests {
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func aFullDiskIsReportedAndSurvived() async throws {
        let mount = ScratchDirectory.path("disk-full")
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        guard getuid() == 0, Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount]) == 0 else {
            print("skipped: cannot mount a small tmpfs here (needs root)")
            return
        }
        defer { _ = Self.run("/bin/umount", ["-l", mount]) }
        let (node, address) = try await NodeProcess.serve(["--data-dir", mount + "/data"], role: "register")
        let client = RPCClient(transport: PooledSocketTransport(address: try SocketAddress(parsing: address)))
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "before", value: "1"))

        // Fill the file system.
        let filler = mount + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let chunk = [UInt8](repeating: 1, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)

        // The log's zeros written ahead (up to 1 MiB) still take writes: keep writing until the
        // space is gone; every write acknowledged meanwhile must read back after the recovery.
        let value = String(repeating: "v", count: 100_000)
        var failed: (any Error)?
        var acknowledged: [String] = []
        for attempt in 0..<40 where failed == nil {
            do {
                _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "full-\(attempt)", value: value))
                acknowledged.append("full-\(attempt)")
            } catch {
                failed = error
            }
        }
        #expect(failed != nil, "writes kept being acknowledged on a full disk")
        let health = try await client.call(NodeV1.Health.check, NodeV1.CheckRequest())
        #expect(health.status == .notServing)
        #expect(health.reason.contains("No space left on device"))
        let called = try await NodeProcess.run(["call", address, "node.v1.Health/Check"])
        #expect(called.out.contains("NOT_SERVING") && called.out.contains("storage cannot write"))
        #expect(try Self.metric(address, "replnode_storage_writable") == 0)

        // Space returns: the node recovers by itself.
        unlink(filler)
        var status = health.status
        for _ in 0..<200 where status != .serving {
            try await Task.sleep(for: .milliseconds(50))
            status = try await client.call(NodeV1.Health.check, NodeV1.CheckRequest()).status
        }
        #expect(status == .serving)
        _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: "after", value: "2"))
        #expect(try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: "after")).value == "2")
        for key in acknowledged {
            #expect(try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: key)).value == value)
        }
        #expect(try Self.metric(address, "replnode_storage_writable") == 1)
        #expect(try Self.metric(address, "replnode_storage_write_errors_total") ?? 0 >= 1)
        node.signal(SIGTERM)
        _ = try await node.waitForExit()
    }

    static func metric(_ address: String, _ name: String) throws -> Double? {
        let connection = try RawHTTPConnection(address)
        connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        let text = try #require(connection.readResponse()).text
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}
