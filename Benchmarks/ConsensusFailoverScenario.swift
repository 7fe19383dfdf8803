import ConsensusService
import Foundation
import LogReplica
import RPC
import Synchronization

/// `failover --role consensus`: clients keep writing through every replica (each joins and leaves
/// a pool of its own, so nothing accumulates toward `--max-pools`); the leader
/// is stopped (`--signal kill`: SIGKILL; `term`: SIGTERM, so it hands leadership over first),
/// and the time from the signal to the first write *begun after it* that is acknowledged is one
/// sample. The stopped replica restarts and the next trial follows (`--trials`).
enum ConsensusFailoverScenario {
    final class Marks: Sendable {
        let signalledAt = Mutex<ContinuousClock.Instant?>(nil)
        let firstSuccess = Mutex<ContinuousClock.Instant?>(nil)
        let counter = Atomic<Int>(0)
    }

    static func run(options: BenchOptions, cluster: NodeCluster) async throws -> [RunReport] {
        let clients = cluster.addresses.map {
            RPCClient(transport: PooledSocketTransport(address: $0, maxConnections: 16))
        }
        let peers = cluster.addresses.map {
            RPCClient(transport: HeaderTransport(PooledSocketTransport(address: $0, maxConnections: 2),
                                                 headers: ["authorization": "Bearer \(NodeCluster.benchToken)"]))
        }
        let marks = Marks()
        let workers = options.concurrency.first ?? 8
        for worker in 0..<workers {
            _ = try await clients[0].call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: "fo-\(worker)", size: 100, ttlSeconds: 3600),
                                          options: CallOptions(timeout: .seconds(10)))
        }
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var attempt = 0
                        var joined = false
                        let token = "failover-token-\(worker)-0123456789"
                        while !Task.isCancelled {
                            let began = ContinuousClock.now
                            let client = clients[(worker + attempt) % clients.count]
                            do {
                                // Join and leave in turn (a retried join with the same token is harmless;
                                // a leave that fails as "not a member" just means it already happened).
                                if joined {
                                    _ = try await client.call(ConsensusV1.Consensus.leavePool, ConsensusV1.LeavePoolRequest(poolId: "fo-\(worker)", memberId: "m", memberToken: token),
                                                              options: CallOptions(timeout: .seconds(2)))
                                } else {
                                    _ = try await client.call(ConsensusV1.Consensus.joinPool, ConsensusV1.JoinPoolRequest(memberId: "m", poolId: "fo-\(worker)", memberToken: token),
                                                              options: CallOptions(timeout: .seconds(2)))
                                }
                                joined.toggle()
                                if let signalled = marks.signalledAt.withLock({ $0 }), began >= signalled {
                                    marks.firstSuccess.withLock { if $0 == nil { $0 = .now } }
                                }
                            } catch let error as ConnectError where error.code == .permissionDenied {
                                joined = false  // the leave had already happened
                            } catch {
                                attempt += 1
                                try? await Task.sleep(for: .milliseconds(5))
                            }
                        }
                    }
                }
            }
        }
        defer { load.cancel() }
        var gaps = LatencyHistogram()
        var notes: [String] = []
        let signal = options.signal == "term" ? SIGTERM : SIGKILL
        let progress = Progress(label: "failover consensus signal=\(options.signal)")
        for trial in 0..<options.trials {
            progress.note("trial \(trial + 1) of \(options.trials)")
            try await Task.sleep(for: options.warmup)
            let leader = try await findLeader(peers)
            marks.firstSuccess.withLock { $0 = nil }
            let signalledAt = ContinuousClock.now
            marks.signalledAt.withLock { $0 = signalledAt }
            kill(cluster.processes[leader].processIdentifier, signal)
            var first: ContinuousClock.Instant?
            for _ in 0..<2000 where first == nil {
                try await Task.sleep(for: .milliseconds(2))
                first = marks.firstSuccess.withLock { $0 }
            }
            guard let first else { throw BenchError("trial \(trial): no write was acknowledged within 4 s of stopping the leader") }
            let gap = first - signalledAt
            gaps.record(UInt64(gap.secondsValue * 1e9))
            notes.append(String(format: "%.0f", gap.secondsValue * 1000))
            marks.signalledAt.withLock { $0 = nil }
            try await cluster.restart(leader)
        }
        var result = LoadGenerator.Result()
        result.histogram = gaps
        result.elapsed = .seconds(1)
        var report = RunReport(name: "failover consensus signal=\(options.signal)", concurrency: options.concurrency.first ?? 8, result: result)
        report.note = "stop leader → first write begun after it acknowledged, per trial (ms): " + notes.joined(separator: ", ")
            + " (the latency columns are these gaps; ops/s is meaningless here)"
        return [report]
    }

    static func findLeader(_ peers: [RPCClient]) async throws -> Int {
        for _ in 0..<400 {
            for (index, peer) in peers.enumerated() {
                if let status = try? await peer.call(LogV1.Replica.status, LogV1.StatusRequest(), options: CallOptions(timeout: .milliseconds(500))),
                   status.role == "leader" { return index }
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw BenchError("no leader was elected")
    }
}
