import Foundation
import RPC
import Synchronization

/// `node serve` processes started by the benchmark on free loopback ports, stopped on `stop()`,
/// at exit, and on Ctrl-C.
final class NodeCluster {
    private(set) var processes: [Process] = []
    private(set) var addresses: [SocketAddress] = []
    private(set) var ids: [String] = []
    /// The cluster token of clusters the benchmark starts (peer-only services need it).
    static let benchToken = "node-bench"
    let directory: String

    static var nodeBinary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("node")
    }

    private var arguments: [[String]] = []

    init(role: String, replicas: Int, extraArguments: [String] = []) async throws {
        directory = NSTemporaryDirectory() + "node-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ports = try FreePorts.pick(replicas, host: "127.0.0.1")
        let ids = (1...replicas).map { "n\($0)" }
        let peers = zip(ids, ports).map { "\($0)=127.0.0.1:\($1)" }.joined(separator: ",")
        for (id, port) in zip(ids, ports) {
            let serve = ["serve", "--role", role, "--id", id, "--listen", "127.0.0.1:\(port)",
                         "--peers", peers, "--data-dir", "\(directory)/\(id)", "--log-level", "warning",
                         "--cluster-token", Self.benchToken,
                         // The replicas share this machine's cores, as `node cluster` arranges.
                         "--event-loops", "\(EventLoop.share(among: replicas))"] + extraArguments
            arguments.append(serve)
            processes.append(try Self.launch(serve))
            self.ids.append(id)
            addresses.append(try SocketAddress(parsing: "127.0.0.1:\(port)"))
        }
        try await waitUntilHealthy()
    }

    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = Self.nodeBinary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/stderr")
        try process.run()
        ClusterRegistry.shared.track(process)
        return process
    }

    /// Starts replica `index` again (same id, port and data directory) once its process ended.
    func restart(_ index: Int, healthyWithin timeout: Duration = .seconds(20)) async throws {
        let old = processes[index]
        let deadline = Date().addingTimeInterval(20)
        while old.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        if old.isRunning { kill(old.processIdentifier, SIGKILL) }
        ClusterRegistry.shared.forget(old)
        processes[index] = try Self.launch(arguments[index])
        try await waitUntilHealthy(timeout: timeout)
    }

    func waitUntilHealthy(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        for (address, id) in zip(addresses, ids) {
            let client = RPCClient(transport: PooledSocketTransport(address: address, maxConnections: 1))
            while true {
                if let health = try? await client.call(NodeV1.Health.check, NodeV1.CheckRequest(), options: CallOptions(timeout: .seconds(1))) {
                    // Another program may have taken the port picked for this replica.
                    guard health.nodeId == id else { throw BenchError("\(address) is answered by \(health.nodeId), not \(id): its port was taken") }
                    if health.status == .serving { break }
                }
                guard ContinuousClock.now < deadline else { throw BenchError("node at \(address) did not become healthy") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    func stop() {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes {
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            ClusterRegistry.shared.forget(process)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

}

/// Every child process the benchmark started, so Ctrl-C and fatal exits can kill them.
final class ClusterRegistry: Sendable {
    static let shared = ClusterRegistry()
    private let pids = Mutex<Set<Int32>>([])

    func track(_ process: Process) { pids.withLock { _ = $0.insert(process.processIdentifier) } }
    func forget(_ process: Process) { pids.withLock { _ = $0.remove(process.processIdentifier) } }
    /// A server's helper process (nginx's workers) started by a tracked one.
    func track(pid: Int32) { pids.withLock { _ = $0.insert(pid) } }
    func forget(pid: Int32) { pids.withLock { _ = $0.remove(pid) } }
    func killAll() { pids.withLock { for pid in $0 { kill(pid, SIGKILL) } } }
    /// CPU seconds the tracked servers have used so far (nil: none running, e.g. `--target`).
    func cpuSeconds() -> Double? { ProcessCPU.seconds(of: pids.withLock { $0 }) }
}

struct BenchError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
