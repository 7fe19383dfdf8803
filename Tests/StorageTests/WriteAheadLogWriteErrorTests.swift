import Foundation
import Testing
@testable import Storage

/// A full disk (a small tmpfs of the test's own): writes fail with a clear error and nothing is
/// acknowledged, the log says why (`problem`), and once space returns the queued records are
/// written and the log works again without a restart.
@Suite(.timeLimit(.minutes(2)))
struct WriteAheadLogWriteErrorTests {
    /// Mounts a tmpfs of `bytes` for the test; nil (and the reason) where the test cannot mount.
    static func mountSmallFileSystem(bytes: Int) -> (String?, String) {
        guard getuid() == 0 else { return (nil, "not root: cannot mount a small tmpfs") }
        let path = temporaryDirectory()
        let status = run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", path])
        return status == 0 ? (path, "") : (nil, "mount -t tmpfs failed (status \(status))")
    }

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

    /// Fills the file system with one file until a write fails; returns its path.
    static func fill(_ directory: String) -> String {
        let path = directory + "/filler"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 7, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        return path
    }

    @Test func aFullDiskFailsWritesThenRecoversWhenSpaceReturns() async throws {
        let (mounted, reason) = Self.mountSmallFileSystem(bytes: 1 << 20)
        guard let mount = mounted else {
            print("skipped: \(reason)")
            return
        }
        defer { _ = Self.run("/bin/umount", ["-l", mount]) }
        let directory = mount + "/wal"
        let (log, _) = try WriteAheadLog.open(directory: directory, options: .init(retryInterval: .milliseconds(20)))
        try await log.appendAndSync(payload(1))
        let filler = Self.fill(mount)

        // No space: the append is not acknowledged, and the log says why.
        let big = [UInt8](repeating: UInt8(ascii: "b"), count: 64 << 10)
        await #expect(throws: StorageError.self) { try await log.appendAndSync(big) }
        let problem = try #require(log.problem)
        #expect(problem.reason.contains("No space left"))
        // While it cannot write, new waiters hear so at once (nothing hangs).
        await #expect(throws: StorageError.self) { try await log.appendAndSync(payload(2)) }

        // Space returns: the retry writes what was queued, in order, and the log works again.
        unlink(filler)
        for _ in 0..<500 where log.problem != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(log.problem == nil)
        try await log.appendAndSync(payload(3))
        #expect(log.writeErrorCount > 0)
        log.close()
        let (reopened, recovery) = try WriteAheadLog.open(directory: directory)
        #expect(recovery.damage == nil)
        #expect(recovery.records == [payload(1), big, payload(2), payload(3)])
        reopened.close()
    }
}
