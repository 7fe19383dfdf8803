import RPC

/// `rpc`: Health/Check round trips against one node, per transport and concurrency.
enum RPCScenario {
    static func run(options: BenchOptions, address: SocketAddress, label: String = "rpc") async throws -> [RunReport] {
        var reports: [RunReport] = []
        for transportName in options.transports {
            for concurrency in options.concurrency {
                let transport: any ClientTransport
                switch transportName {
                case "pooled": transport = PooledSocketTransport(address: address, maxConnections: concurrency)
                case "urlsession": transport = URLSessionTransport(address: address)
                default: throw BenchError("unknown transport \(transportName) (pooled, urlsession)")
                }
                let client = RPCClient(transport: transport)
                let generator = LoadGenerator(concurrency: concurrency, warmup: options.warmup, duration: options.duration,
                                              progress: Progress(label: "\(label) \(transportName) c=\(concurrency)"))
                let result = await generator.run { _, _ in
                    _ = try await client.call(NodeV1.Health.check, NodeV1.CheckRequest())
                }
                reports.append(RunReport(name: "\(label) \(transportName)", concurrency: concurrency, result: result))
            }
        }
        return reports
    }
}
