import BulletinCore
import Foundation
import RPC
import Synchronization
import LogReplica
import Testing
@testable import BulletinService
import ReplicaMath

/// The sequential mode's shell over the in-memory network, many seeds: writers post through
/// random replicas (retrying with the same request id) while the leader is crashed and
/// restarted. Every acknowledged post must be on every replica, under one id, in one order.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SequentialSimulationTests {
    @Test(arguments: 0..<30)
    func acknowledgedPostsSurviveLeaderCrashes(seed: UInt64) async throws {
        let faults = FaultModel(dropRate: 0.02, duplicateRate: 0.02, delay: .zero ... .milliseconds(1))
        let cluster = try await SimulatedBulletinCluster(seed: seed, faults: faults)
        let acked = AckedPosts()
        // A stalled cluster fails the test (with the watchdog's picture of it) instead of hanging.
        let giveUpAt = ContinuousClock.now + .seconds(60)
        let writers = (0..<4).map { writer in
            Task {
                var random = SeededGenerator(seed: seed &* 100 &+ UInt64(writer))
                for post in 0..<15 {
                    let requestId = "s\(seed)-w\(writer)-p\(post)"
                    let request = BulletinV1.PostRequest(author: "w\(writer)", title: "post \(post)", body: "b", requestId: requestId)
                    for _ in 0..<400 where ContinuousClock.now < giveUpAt {
                        let node = cluster.ids[Int(random.next() % 3)]
                        if let article = try? await cluster.client(to: node).call(BulletinV1.Bulletin.post, request, options: CallOptions(timeout: .milliseconds(250))).article {
                            acked.posts.withLock { $0[requestId] = article.id }
                            break
                        }
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                }
            }
        }
        // The nemesis: crash whoever leads once posts are flowing, restart it a little later.
        let started = ContinuousClock.now
        while acked.posts.withLock({ $0.count }) < 10 {
            guard ContinuousClock.now - started < .seconds(30) else { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        var victim: String?
        for _ in 0..<200 where victim == nil {
            victim = await cluster.leader()
            if victim == nil { try await Task.sleep(for: .milliseconds(5)) }
        }
        let crashed = try #require(victim)
        await cluster.crash(crashed)
        try await Task.sleep(for: .milliseconds(100))
        try await cluster.restart(crashed)
        let crashAt = ContinuousClock.now - started
        let watchdog = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(15))
                var lines: [String] = []
                for id in cluster.ids {
                    if let board = await cluster.boards[id] {
                        let status = await board.log.status()
                        lines.append("\(id) \(status.role) t\(status.term) leader=\(status.leader) c\(status.commitIndex) a\(status.appliedIndex)")
                    }
                }
                print("seed \(seed) STUCK? acked=\(acked.posts.withLock { $0.count }) crashed=\(crashed) \(lines)")
            }
        }
        defer { watchdog.cancel() }
        for writer in writers { await writer.value }
        let writersDone = ContinuousClock.now - started

        let posts = acked.posts.withLock { $0 }
        #expect(posts.count == 60, "seed \(seed): \(posts.count) of 60 posts acknowledged")
        #expect(Set(posts.values).count == posts.count, "seed \(seed): an id was given to two posts")
        cluster.network.faults = .none
        var orders: [[BulletinItem]] = []
        for id in cluster.ids {
            let board = try #require(await cluster.boards[id])
            var synced = false
            let deadline = ContinuousClock.now + .seconds(20)
            while !synced, ContinuousClock.now < deadline {
                synced = (try? await board.sync()) != nil
                if !synced { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(synced, "seed \(seed): \(id) could not sync")
            let items = board.replica.read { $0.items(after: 0) }
            orders.append(items)
            let held = Dictionary(items.compactMap { item in item.requestId.map { ($0, item.id) } }, uniquingKeysWith: { a, _ in a })
            for (requestId, id) in posts {
                #expect(held[requestId] == id, "seed \(seed): \(requestId) acked as \(id), replica has \(String(describing: held[requestId]))")
            }
            #expect(items.map(\.id) == Array(1...Int64(items.count)), "seed \(seed): ids are not dense and in log order")
        }
        if ProcessInfo.processInfo.environment["SIM_TIMING"] != nil {
            print("seed \(seed): crash at \(crashAt), writers done \(writersDone), all checked \(ContinuousClock.now - started)")
        }
        // One order: every replica holds a prefix of the longest one (equal after sync).
        let longest = orders.max { $0.count < $1.count } ?? []
        for order in orders { #expect(Array(longest.prefix(order.count)) == order, "seed \(seed): replicas disagree on the order") }
        await cluster.shutdown()
    }
}

/// Request id → article id of every acknowledged post.
final class AckedPosts: Sendable {
    let posts = Mutex<[String: Int64]>([:])
}
