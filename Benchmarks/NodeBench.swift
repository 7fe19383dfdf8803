import Foundation
import RPC

/// `node-bench`: starts the nodes it needs, runs a scenario, prints a table, stops everything.
@main
enum NodeBench {
    static func main() async {
        let options: BenchOptions
        do {
            options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(64)
        }
        if options.help {
            print(BenchOptions.usage)
            exit(0)
        }
        #if DEBUG
        if !options.force {
            FileHandle.standardError.write(Data("node-bench: this is a debug build; run `swift run -c release node-bench …` (or pass --force)\n".utf8))
            exit(64)
        }
        #endif
        let signals = SignalWatcher()
        Task {
            for await _ in signals.signals {
                ClusterRegistry.shared.killAll()
                exit(130)
            }
        }
        do {
            if options.scenario == "codec" {
                print(try await CodecScenario.run())
                exit(0)
            }
            let reports = try await run(options)
            print(RunReport.table(reports))
            if let path = options.jsonPath { try writeJSON(reports, options: options, to: path) }
            if let path = options.svgPath {
                try SVGPlot.render(reports, title: "node-bench \(options.scenario)", subtitle: options.summary())
                    .write(toFile: path, atomically: true, encoding: .utf8)
            }
            exit(0)
        } catch {
            ClusterRegistry.shared.killAll()
            FileHandle.standardError.write(Data("node-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: BenchOptions) async throws -> [RunReport] {
        switch options.scenario {
        case "rpc":
            var options = options
            if options.concurrency.isEmpty { options.concurrency = [1, 64] }
            if let target = options.target {
                return try await RPCScenario.run(options: options, address: try SocketAddress(parsing: target))
            }
            var reports: [RunReport]
            do {
                let cluster = try await NodeCluster(role: "consensus", replicas: 1)
                defer { cluster.stop() }
                reports = try await RPCScenario.run(options: options, address: cluster.addresses[0])
            }
            if options.compare == "nginx" {
                let nginx = try await NginxServer()
                defer { nginx.stop() }
                var theirs = options
                theirs.transports = ["pooled"]
                let floor = try await RPCScenario.run(options: theirs, address: nginx.address, label: "rpc nginx")
                for index in reports.indices where reports[index].name.hasSuffix("pooled") {
                    guard let other = floor.first(where: { $0.concurrency == reports[index].concurrency }) else { continue }
                    reports[index].note = reports[index].ratios(to: other, named: "nginx")
                }
                reports += floor
            }
            return reports
        case "consensus-decide":
            var options = options
            if options.concurrency.isEmpty { options.concurrency = [1, 16] }
            if let target = options.target {
                let addresses = try target.split(separator: ",").map { try SocketAddress(parsing: String($0)) }
                return try await ConsensusScenario.run(options: options, addresses: addresses)
            }
            var reports: [RunReport] = []
            for replicas in options.replicaCounts ?? [3, 1] {
                let cluster = try await NodeCluster(role: "consensus", replicas: replicas, extraArguments: options.serveArguments)
                defer { cluster.stop() }
                reports += try await ConsensusScenario.run(options: options, addresses: cluster.addresses, label: " r=\(replicas)")
            }
            return reports
        case "register-write", "register-read", "register-mixed":
            var options = options
            if options.concurrency.isEmpty { options.concurrency = [1, 64] }
            if let target = options.target {
                let addresses = try target.split(separator: ",").map { try SocketAddress(parsing: String($0)) }
                return try await RegisterScenario.run(options.scenario, options: options, addresses: addresses)
            }
            if options.compare == "nginx" { throw BenchError("--compare nginx goes with the rpc scenario") }
            if options.compare == "etcd" && options.fsync != "always" {
                throw BenchError("--compare etcd needs --fsync always: etcd 3.4 cannot run without fsync, and the comparison must be like for like")
            }
            var reports: [RunReport]
            do {
                let cluster = try await NodeCluster(role: "register", replicas: options.replicas, extraArguments: options.serveArguments)
                defer { cluster.stop() }
                reports = try await RegisterScenario.run(options.scenario, options: options, addresses: cluster.addresses)
            }
            if options.compare == "etcd" {
                let etcd = try await EtcdCluster(members: options.replicas)
                defer { etcd.stop() }
                let theirs = try await EtcdScenario.run(options.scenario, options: options, addresses: etcd.clientAddresses)
                for (index, other) in theirs.enumerated() where index < reports.count {
                    reports[index].note = reports[index].ratios(to: other, named: "etcd")
                }
                reports += theirs
            }
            return reports
        case "bulletin-post", "bulletin-list":
            var options = options
            if options.concurrency.isEmpty { options.concurrency = [1, 64] }
            if let target = options.target {
                let addresses = try target.split(separator: ",").map { try SocketAddress(parsing: String($0)) }
                return try await BulletinScenario.run(options.scenario, mode: "target", options: options, addresses: addresses)
            }
            var reports: [RunReport] = []
            for mode in options.modes {
                let cluster = try await NodeCluster(role: "bulletin", replicas: options.replicas,
                                                    extraArguments: options.serveArguments + ["--mode", mode])
                defer { cluster.stop() }
                reports += try await BulletinScenario.run(options.scenario, mode: mode, options: options, addresses: cluster.addresses)
            }
            return reports
        case "disk":
            return try await DiskScenario.run(options: options)
        case "bulletin-compaction":
            var options = options
            if options.concurrency.isEmpty { options.concurrency = [64] }
            if !options.articlesGiven { options.articles = 200_000 }
            return try await BulletinCompactionScenario.run(options: options)
        case "failover":
            var options = options
            if options.concurrency.isEmpty { options.concurrency = [8] }
            if options.role == "consensus" {
                let cluster = try await NodeCluster(role: "consensus", replicas: options.replicas, extraArguments: options.serveArguments)
                defer { cluster.stop() }
                return try await ConsensusFailoverScenario.run(options: options, cluster: cluster)
            }
            let cluster = try await NodeCluster(role: "bulletin", replicas: options.replicas,
                                                extraArguments: options.serveArguments + ["--mode", "sequential"])
            defer { cluster.stop() }
            return try await BulletinScenario.failover(options: options, cluster: cluster)
        default:
            throw BenchError("unknown scenario '\(options.scenario)'\n\n\(BenchOptions.usage)")
        }
    }

    static func writeJSON(_ reports: [RunReport], options: BenchOptions, to path: String) throws {
        var build = "release"
        #if DEBUG
        build = "debug"
        #endif
        let document: [String: Any] = [
            "scenario": options.scenario,
            "arguments": Array(CommandLine.arguments.dropFirst()),
            "build": build,
            "cores": ProcessInfo.processInfo.activeProcessorCount,
            "commit": BenchOptions.commit() ?? NSNull(),
            "configuration": options.summary(),
            "runs": reports.map(\.json),
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
}
