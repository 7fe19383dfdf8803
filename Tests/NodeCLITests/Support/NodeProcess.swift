import Foundation
import Synchronization

/// A real `node` process started by a test, with its stdout/stderr captured.
final class NodeProcess: Sendable {
    let process: Process
    private let output = CapturedOutput()

    /// The built `node` binary next to the test bundle.
    static var binary: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = exe.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("node").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("node")
    }

    init(_ arguments: [String], stdin: Data? = nil) throws {
        process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        if let stdin {
            let inPipe = Pipe()
            process.standardInput = inPipe
            try process.run()
            inPipe.fileHandleForWriting.write(stdin)
            try inPipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        // Each pipe is drained by a thread of its own with blocking reads until end of file (not
        // readabilityHandler: its dispatch source could fire after the descriptor was closed,
        // which crashed the test process in libdispatch's event loop now and then).
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        Self.drain(outPipe.fileHandleForReading, into: output, isError: false)
        Self.drain(errPipe.fileHandleForReading, into: output, isError: true)
    }

    /// Reads `handle` to end of file on its own thread, appending to `output`.
    static func drain(_ handle: FileHandle, into output: CapturedOutput, isError: Bool) {
        let thread = Thread {
            let fd = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                output.state.withLock { if isError { $0.err += text } else { $0.out += text } }
            }
            try? handle.close()
            output.state.withLock { $0.closed += 1 }
        }
        thread.start()
    }

    /// Starts `node serve` on port 0 and waits until it prints its address.
    static func serve(_ extra: [String] = [], role: String = "consensus") async throws -> (NodeProcess, String) {
        let node = try NodeProcess(["serve", "--role", role, "--listen", "127.0.0.1:0", "--log-level", "debug"] + extra)
        let address = try await node.waitForLine(prefix: "listening on ")
        return (node, address)
    }

    var stdout: String { output.state.withLock { $0.out } }
    var stderr: String { output.state.withLock { $0.err } }

    /// Waits for a stdout line starting with `prefix` and returns the rest of it.
    func waitForLine(prefix: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count))
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Exited: what it wrote last may still be in the pipes (their readers stop at end of file).
        for _ in 0..<250 where output.state.withLock({ $0.closed < 2 }) { try await Task.sleep(for: .milliseconds(20)) }
        if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
            return String(line.dropFirst(prefix.count))
        }
        let status = process.isRunning ? "still running" : "exited with \(process.terminationStatus) (\(process.terminationReason == .uncaughtSignal ? "signal" : "exit"))"
        throw ProcessError("no line '\(prefix)…' from node (\(status)); stdout=\(stdout) stderr=\(stderr)")
    }

    /// Waits until stderr contains `text` (stdout and stderr are drained independently, so one
    /// can lag the other); returns whether it appeared.
    func waitForStderr(containing text: String, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stderr.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return stderr.contains(text)
    }

    /// Waits for exit and returns the status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw ProcessError("node did not exit; stderr=\(stderr)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Both pipes must reach end of file, so everything the process wrote has been read.
        for _ in 0..<200 where output.state.withLock({ $0.closed }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        return process.terminationStatus
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Runs `node call …` (or any node command) to completion.
    static func run(_ arguments: [String], stdin: Data? = nil) async throws -> (status: Int32, out: String, err: String) {
        let node = try NodeProcess(arguments, stdin: stdin)
        let status = try await node.waitForExit()
        return (status, node.stdout, node.stderr)
    }
}

struct ProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Text a child process wrote, filled from pipe callbacks.
final class CapturedOutput: Sendable {
    let state = Mutex<(out: String, err: String, closed: Int)>(("", "", 0))
}
