import Foundation
import RPC

/// nginx answering every request with a fixed 200 JSON body (what `node.v1.Health/Check`
/// returns) on a free loopback port, 2 workers, for `rpc --compare nginx`: the machine's floor
/// for one HTTP/1.1 request and response. Installs nothing: `nginx` comes from the PATH (or
/// Debian's /usr/sbin).
final class NginxServer {
    let process: Process
    let address: SocketAddress
    let directory: String
    private(set) var workers: [Int32] = []

    static var binary: String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"]
        return path.map { "\($0)/nginx" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init() async throws {
        guard let binary = Self.binary else {
            throw BenchError("--compare nginx needs nginx on the PATH or in /usr/sbin (Debian: apt-get install nginx-light)")
        }
        let directory = NSTemporaryDirectory() + "node-bench-nginx-\(getpid())"
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try FreePorts.pick(1, host: "127.0.0.1")[0]
        address = try SocketAddress(parsing: "127.0.0.1:\(port)")
        let temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map { "  \($0)_temp_path \(directory)/\($0);" }.joined(separator: "\n")
        let configuration = """
            worker_processes 2;
            daemon off;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log error;
            events { worker_connections 4096; }
            http {
              access_log off;
            \(temp)
              keepalive_requests 100000000;
              keepalive_timeout 600s;
              server {
                listen 127.0.0.1:\(port);
                location / { default_type application/json; return 200 '{"status":"SERVING"}'; }
              }
            }

            """
        try configuration.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", directory, "-c", directory + "/nginx.conf", "-e", directory + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        ClusterRegistry.shared.track(process)
        try await waitUntilServing()
        // The workers do the serving: their CPU counts (`cpu µs/op`), not just the master's.
        let pid = process.processIdentifier
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        workers = children.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        for worker in workers { ClusterRegistry.shared.track(pid: worker) }
    }

    private func waitUntilServing() async throws {
        let client = RPCClient(transport: PooledSocketTransport(address: address, maxConnections: 1))
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? await client.call(NodeV1.Health.check, NodeV1.CheckRequest(), options: CallOptions(timeout: .seconds(1)))) == nil {
            guard process.isRunning, ContinuousClock.now < deadline else {
                let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
                throw BenchError("nginx did not start: \(log.suffix(500))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func stop() {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        ClusterRegistry.shared.forget(process)
        for worker in workers { ClusterRegistry.shared.forget(pid: worker) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
