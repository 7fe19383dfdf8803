import Foundation
import RPC
import ReplicaMath

/// A 3-member etcd cluster on free loopback ports with temporary data dirs, for `--compare etcd`.
/// etcd always fsyncs its WAL (3.4 has no switch to turn that off), like `node --fsync always`.
final class EtcdCluster {
    private(set) var processes: [Process] = []
    let clientAddresses: [SocketAddress]
    let directory: String

    static var binary: String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/etcd"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    init(members: Int) async throws {
        guard let binary = Self.binary else { throw BenchError("--compare etcd needs an etcd binary on the PATH (Debian: apt-get install etcd-server)") }
        directory = NSTemporaryDirectory() + "node-bench-etcd-\(getpid())"
        let ports = try FreePorts.pick(2 * members, host: "127.0.0.1")
        let clientPorts = Array(ports[0..<members])
        let peerPorts = Array(ports[members...])
        let names = (1...members).map { "e\($0)" }
        let initial = zip(names, peerPorts).map { "\($0)=http://127.0.0.1:\($1)" }.joined(separator: ",")
        clientAddresses = try clientPorts.map { try SocketAddress(parsing: "127.0.0.1:\($0)") }
        for (index, name) in names.enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [
                "--name", name, "--data-dir", "\(directory)/\(name)",
                "--listen-client-urls", "http://127.0.0.1:\(clientPorts[index])",
                "--advertise-client-urls", "http://127.0.0.1:\(clientPorts[index])",
                "--listen-peer-urls", "http://127.0.0.1:\(peerPorts[index])",
                "--initial-advertise-peer-urls", "http://127.0.0.1:\(peerPorts[index])",
                "--initial-cluster", initial, "--initial-cluster-state", "new", "--initial-cluster-token", "node-bench",
                "--log-level", "error",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append(process)
            ClusterRegistry.shared.track(process)
        }
        try await waitUntilHealthy()
    }

    private func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        for address in clientAddresses {
            let transport = PooledSocketTransport(address: address, maxConnections: 1)
            while true {
                if let response = try? await transport.unary(path: "/v3/kv/range", body: Array(#"{"key":"aGVhbHRo"}"#.utf8),
                                                             options: CallOptions(timeout: .seconds(1))),
                   String(decoding: response.body, as: UTF8.self).contains("header") { break }
                guard ContinuousClock.now < deadline else { throw BenchError("etcd at \(address) did not become ready") }
                try await Task.sleep(for: .milliseconds(100))
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

/// The same register load against etcd's JSON gateway (`/v3/kv/put`, linearizable `/v3/kv/range`).
enum EtcdScenario {
    static func run(_ kind: String, options: BenchOptions, addresses: [SocketAddress]) async throws -> [RunReport] {
        let transports = addresses.map { PooledSocketTransport(address: $0, maxConnections: 128) }
        let value = Data(String(repeating: "v", count: options.valueSize).utf8).base64EncodedString()
        let keys = (0..<options.keys).map { Data("key-\($0)".utf8).base64EncodedString() }
        @Sendable func put(_ transport: PooledSocketTransport, _ key: String) async throws {
            _ = try await transport.unary(path: "/v3/kv/put", body: Array(#"{"key":"\#(key)","value":"\#(value)"}"#.utf8), options: CallOptions())
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                group.addTask { try await put(transports[index % transports.count], key) }
                if index % 64 == 63 { try await group.waitForAll() }
            }
            try await group.waitForAll()
        }
        var reports: [RunReport] = []
        for concurrency in options.concurrency {
            let generator = LoadGenerator(concurrency: concurrency, warmup: options.warmup, duration: options.duration,
                                          progress: Progress(label: "etcd \(kind) c=\(concurrency)"))
            let result = await generator.run { worker, sequence in
                let transport = transports[worker % transports.count]
                var random = SeededGenerator(seed: UInt64(worker) << 32 | UInt64(sequence))
                let key = keys[Int(random.next() % UInt64(keys.count))]
                let write = kind == "register-write" || (kind == "register-mixed" && random.next() % 2 == 0)
                if write {
                    try await put(transport, key)
                } else {
                    _ = try await transport.unary(path: "/v3/kv/range", body: Array(#"{"key":"\#(key)"}"#.utf8), options: CallOptions())
                }
            }
            reports.append(RunReport(name: "etcd \(kind.replacingOccurrences(of: "register-", with: "")) (fsync)", concurrency: concurrency, result: result))
        }
        return reports
    }
}
