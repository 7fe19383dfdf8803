import RegisterService
import RPC
import ReplicaMath

/// `register-write`, `register-read`, `register-mixed`: ABD operations against a 3-replica
/// cluster; each worker talks to one replica (workers spread over all of them), keys uniform
/// over `--keys`, values of `--value-size` bytes.
enum RegisterScenario {
    static func run(_ kind: String, options: BenchOptions, addresses: [SocketAddress]) async throws -> [RunReport] {
        let clients = addresses.map { RPCClient(transport: PooledSocketTransport(address: $0, maxConnections: 128)) }
        let value = String(repeating: "v", count: options.valueSize)
        let keys = (0..<options.keys).map { "key-\($0)" }
        // Every key exists before reads are measured.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                group.addTask { _ = try await clients[index % clients.count].call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: key, value: value)) }
                if index % 64 == 63 { try await group.waitForAll() }
            }
            try await group.waitForAll()
        }
        var reports: [RunReport] = []
        let chooser = KeyChooser(count: keys.count, distribution: options.distribution)
        for concurrency in options.concurrency {
            var generator = LoadGenerator(concurrency: concurrency, warmup: options.warmup, duration: options.duration,
                                          progress: Progress(label: "\(kind) c=\(concurrency)"))
            generator.rate = options.rate
            let result = await generator.run { worker, sequence in
                let client = clients[worker % clients.count]
                var random = SeededGenerator(seed: UInt64(worker) << 32 | UInt64(sequence))
                let key = keys[chooser.next(using: &random)]
                let write = kind == "register-write" || (kind == "register-mixed" && random.next() % 2 == 0)
                if write {
                    _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: key, value: value))
                } else {
                    _ = try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: key))
                }
            }
            let mode = (options.rate.map { " open@\(Int($0))/s" } ?? "") + (options.distribution == .zipfian ? " zipf" : "")
            reports.append(RunReport(name: "\(kind)\(options.target == nil ? " fsync=\(options.fsync)" : "")\(mode)", concurrency: concurrency, result: result))
        }
        return reports
    }
}
