import BulletinService
import Foundation
import LogReplica
import RPC
import Synchronization

/// `bulletin-compaction`: `--articles` posts (default 200k) through a 3-replica sequential board
/// at `--concurrency` (64), once with snapshots every `--snapshot-every` (10k) and once without
/// (the baseline): post latency with and without snapshots being taken (no stop-the-world: p99
/// should stay within 2× of the baseline), each replica's data directory against its snapshot
/// (compaction: at most 2×), and the time a killed replica takes from restart to serving again.
enum BulletinCompactionScenario {
    final class Counter: Sendable { let next = Atomic<Int>(0) }

    static func run(options: BenchOptions) async throws -> [RunReport] {
        var reports: [RunReport] = []
        for every in [options.snapshotEvery, 100_000_000] {
            let cluster = try await NodeCluster(role: "bulletin", replicas: 3,
                                                extraArguments: options.serveArguments + ["--mode", "sequential", "--snapshot-every", "\(every)"])
            defer { cluster.stop() }
            let snapshots = every < 100_000_000
            let label = snapshots ? "snapshots every \(every)" : "no snapshots"
            var report = try await post(options: options, addresses: cluster.addresses, label: "bulletin-compaction \(label)")
            if snapshots {
                report.note = try await measureStorageAndRestart(cluster: cluster, options: options)
            }
            reports.append(report)
        }
        return reports
    }

    static func post(options: BenchOptions, addresses: [SocketAddress], label: String) async throws -> RunReport {
        let clients = BulletinScenario.clients(addresses)
        let counter = Counter()
        let body = String(repeating: "b", count: options.valueSize)
        let concurrency = options.concurrency.first ?? 64
        let progress = Progress(label: label)
        let started = ContinuousClock.now
        let histograms = try await withThrowingTaskGroup(of: LatencyHistogram.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var histogram = LatencyHistogram()
                    while true {
                        let sequence = counter.next.add(1, ordering: .relaxed).oldValue
                        guard sequence < options.articles else { return histogram }
                        let began = ContinuousClock.now
                        try await BulletinScenario.post(clients[sequence % clients.count], worker, sequence, body: body)
                        histogram.record(UInt64((ContinuousClock.now - began).secondsValue * 1e9))
                        if sequence % 5_000 == 0 { progress.update(elapsed: ContinuousClock.now - started, ops: sequence, errors: 0) }
                    }
                }
            }
            var all: [LatencyHistogram] = []
            for try await histogram in group { all.append(histogram) }
            return all
        }
        var result = LoadGenerator.Result()
        for histogram in histograms { result.histogram.merge(histogram) }
        result.elapsed = ContinuousClock.now - started
        return RunReport(name: "\(label) (\(options.articles) posts)", concurrency: concurrency, result: result)
    }

    /// Data directory vs snapshot per replica; then one replica killed and restarted: time to serving.
    static func measureStorageAndRestart(cluster: NodeCluster, options: BenchOptions) async throws -> String {
        var parts: [String] = []
        for id in cluster.ids {
            let directory = "\(cluster.directory)/\(id)/bulletin-sequential"
            let snapshot = (try? FileManager.default.attributesOfItem(atPath: directory + "/snapshot")[.size] as? Int) ?? 0
            let total = directorySize(directory)
            parts.append(String(format: "%@ data %.1f MB, snapshot %.1f MB (×%.2f)", id, Double(total) / 1e6, Double(snapshot) / 1e6,
                                Double(total) / Double(max(snapshot, 1))))
        }
        let victim = 2
        kill(cluster.processes[victim].processIdentifier, SIGKILL)
        let restartedAt = ContinuousClock.now
        try await cluster.restart(victim, healthyWithin: .seconds(300))
        let peer = RPCClient(transport: HeaderTransport(PooledSocketTransport(address: cluster.addresses[victim], maxConnections: 1),
                                                        headers: ["authorization": "Bearer \(NodeCluster.benchToken)"]))
        var caughtUp = false
        for _ in 0..<2000 where !caughtUp {
            if let status = try? await peer.call(LogV1.Replica.status, LogV1.StatusRequest()), status.appliedIndex >= UInt64(options.articles) {
                caughtUp = true
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let restart = (ContinuousClock.now - restartedAt).secondsValue
        parts.append(String(format: "killed replica restarted and applied all %d posts in %.2f s%@", options.articles, restart,
                            caughtUp ? "" : " (NOT caught up after 10 s)"))
        return parts.joined(separator: "; ")
    }

    static func directorySize(_ path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name)[.size] as? Int) ?? 0)
        }
    }
}
