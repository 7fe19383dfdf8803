import BulletinService
import LogReplica
import Foundation
import RPC
import Synchronization

/// `bulletin-post`, `bulletin-list` and `failover` against a 3-replica bulletin board in each
/// `--mode`. Workers spread over the replicas; posts are acknowledged per the mode's guarantee
/// (sequential: on a majority's durable log; quorum: NW replicas; read-your-writes: locally).
enum BulletinScenario {
    static func clients(_ addresses: [SocketAddress]) -> [RPCClient] {
        addresses.map { RPCClient(transport: PooledSocketTransport(address: $0, maxConnections: 128)) }
    }

    static func post(_ client: RPCClient, _ worker: Int, _ sequence: Int, body: String) async throws {
        _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "bench-\(worker)", title: "post \(sequence)", body: body,
                                                                 requestId: "w\(worker)-\(sequence)-\(UInt32.random(in: 0...UInt32.max))"))
    }

    static func run(_ kind: String, mode: String, options: BenchOptions, addresses: [SocketAddress]) async throws -> [RunReport] {
        let clients = clients(addresses)
        let body = String(repeating: "b", count: options.valueSize)
        if kind == "bulletin-list" {
            // Fill the board first (64 writers), then measure reads of the newest page.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<64 {
                    group.addTask {
                        for sequence in stride(from: writer, to: options.articles, by: 64) {
                            try await post(clients[sequence % clients.count], writer, sequence, body: body)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        var reports: [RunReport] = []
        for concurrency in options.concurrency {
            var generator = LoadGenerator(concurrency: concurrency, warmup: options.warmup, duration: options.duration,
                                          progress: Progress(label: "\(kind) \(mode) c=\(concurrency)"))
            generator.rate = options.rate
            let result = await generator.run { worker, sequence in
                let client = clients[(worker + sequence) % clients.count]
                if kind == "bulletin-list" {
                    _ = try await client.call(BulletinV1.Bulletin.list, BulletinV1.ListRequest(pageSize: 20))
                } else {
                    try await post(client, worker, sequence, body: body)
                }
            }
            let suffix = kind == "bulletin-list" ? " articles=\(options.articles)" : ""
            reports.append(RunReport(name: "\(kind) \(mode)\(options.target == nil ? " fsync=\(options.fsync)" : "")\(suffix)", concurrency: concurrency, result: result))
        }
        return reports
    }

    /// Posts through every replica while the sequential leader is killed a third of the way in:
    /// reports the time from the kill to the first acknowledged post and the errors in between.
    static func failover(options: BenchOptions, cluster: NodeCluster) async throws -> [RunReport] {
        let clients = clients(cluster.addresses)
        let body = String(repeating: "b", count: options.valueSize)
        let peers = cluster.addresses.map {
            RPCClient(transport: HeaderTransport(PooledSocketTransport(address: $0, maxConnections: 2), headers: ["authorization": "Bearer \(NodeCluster.benchToken)"]))
        }
        var leader: Int?
        for _ in 0..<200 where leader == nil {
            for (index, peer) in peers.enumerated() {
                if let status = try? await peer.call(LogV1.Replica.status, LogV1.StatusRequest()), status.role == "leader" { leader = index }
            }
            if leader == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let leader else { throw BenchError("no leader was elected") }
        let marks = FailoverMarks()
        let pid = cluster.processes[leader].processIdentifier
        let concurrency = options.concurrency.first ?? 8
        let generator = LoadGenerator(concurrency: concurrency, warmup: options.warmup, duration: options.duration,
                                      progress: Progress(label: "failover c=\(concurrency)"))
        let killer = Task {
            try await Task.sleep(for: options.warmup + options.duration / 3)
            kill(pid, SIGKILL)
            marks.killedAt.withLock { $0 = .now }
        }
        let result = await generator.run { worker, sequence in
            // Workers avoid nothing: a worker aimed at the dead replica fails over to the next.
            var attempt = 0
            let began = ContinuousClock.now
            while true {
                let client = clients[(worker + sequence + attempt) % clients.count]
                do {
                    try await post(client, worker, sequence, body: body)
                    // Only a post begun after the kill proves the cluster took writes again.
                    if let killed = marks.killedAt.withLock({ $0 }), began > killed {
                        marks.firstSuccess.withLock { if $0 == nil { $0 = .now } }
                    }
                    return
                } catch {
                    attempt += 1
                    if attempt >= clients.count { throw error }
                }
            }
        }
        try? await killer.value
        var report = RunReport(name: "failover sequential fsync=\(options.fsync)", concurrency: concurrency, result: result)
        if let killed = marks.killedAt.withLock({ $0 }), let first = marks.firstSuccess.withLock({ $0 }) {
            report.note = String(format: "leader %@ killed; first post begun after the kill acknowledged %.0f ms after it", cluster.ids[leader],
                                 (first - killed).secondsValue * 1000)
        } else {
            report.note = "no post was acknowledged after the leader was killed"
        }
        return [report]
    }
}

/// When the failover run killed the leader, and when the next post was acknowledged.
final class FailoverMarks: Sendable {
    let killedAt = Mutex<ContinuousClock.Instant?>(nil)
    let firstSuccess = Mutex<ContinuousClock.Instant?>(nil)
}
