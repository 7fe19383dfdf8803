import BulletinService
import Foundation
import LogReplica
import RPC
import Synchronization
import Testing
import ReplicaMath

/// Bulletin boards of three real processes, one per mode: concurrent writers through random
/// replicas lose nothing, the sequential leader can be killed mid-run, and read-your-writes
/// sessions follow a client across replicas.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct BulletinEndToEndTests {
    final class Progress: Sendable {
        let acked = Atomic<Int>(0)
    }

    /// Posts `count` articles from one writer through random replicas, retrying each (same
    /// request id) until acknowledged; returns request id → article id.
    static func write(_ cluster: ProcessCluster, writer: Int, count: Int, progress: Progress) async -> [String: Int64] {
        var random = SeededGenerator(seed: UInt64(writer) + 1)
        var acked: [String: Int64] = [:]
        for post in 0..<count {
            let requestId = "w\(writer)-p\(post)"
            let request = BulletinV1.PostRequest(author: "writer\(writer)", title: "post \(post)", body: "from writer \(writer)", requestId: requestId)
            for _ in 0..<200 {
                let replica = Int(random.next() % 3)
                if let response = try? await cluster.clients[replica].call(BulletinV1.Bulletin.post, request, options: CallOptions(timeout: .seconds(3))),
                   let article = response.article {
                    acked[requestId] = article.id
                    progress.acked.add(1, ordering: .relaxed)
                    break
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        return acked
    }

    static func runWriters(_ cluster: ProcessCluster, progress: Progress = Progress()) async -> [String: Int64] {
        await withTaskGroup(of: [String: Int64].self) { group in
            for writer in 0..<8 { group.addTask { await write(cluster, writer: writer, count: 50, progress: progress) } }
            return await group.reduce(into: [:]) { $0.merge($1) { a, _ in a } }
        }
    }

    /// After Sync, every replica lists exactly the acknowledged posts, each id once.
    static func expectEverywhere(_ cluster: ProcessCluster, _ acked: [String: Int64]) async throws {
        #expect(acked.count == 400, "only \(acked.count) of 400 posts were acknowledged")
        #expect(Set(acked.values).count == acked.count, "two posts were given the same id")
        for index in 0..<3 {
            _ = try await cluster.clients[index].call(BulletinV1.Bulletin.sync, BulletinV1.SyncRequest(), options: CallOptions(timeout: .seconds(15)))
            let listed = try await cluster.articleIDs(at: index)
            #expect(listed.count == Set(listed).count, "replica \(index) lists an id twice")
            let missing = Set(acked.values).subtracting(listed)
            #expect(missing.isEmpty, "replica \(index) lacks \(missing.count) acknowledged posts")
            #expect(listed.count == acked.count, "replica \(index) lists \(listed.count) posts for \(acked.count) acknowledged")
            #expect(listed == listed.sorted(by: >), "replica \(index) does not list newest first")
        }
    }

    @Test(arguments: ["quorum", "read-your-writes"])
    func everyAcknowledgedPostReachesEveryReplica(mode: String) async throws {
        let cluster = try await ProcessCluster.board(mode: mode)
        let acked = await Self.runWriters(cluster)
        try await Self.expectEverywhere(cluster, acked)
        await cluster.stop()
    }

    @Test func sequentialSurvivesKillingTheLeaderMidRun() async throws {
        let cluster = try await ProcessCluster.board(mode: "sequential")
        let first = try await cluster.leader()
        let progress = Progress()
        let load = Task { await Self.runWriters(cluster, progress: progress) }
        while progress.acked.load(ordering: .relaxed) < 100 { try await Task.sleep(for: .milliseconds(5)) }
        cluster.kill(first)
        let ackedBeforeKill = progress.acked.load(ordering: .relaxed)
        let second = try await cluster.leader()
        #expect(second != first)
        let acked = await load.value
        #expect(ackedBeforeKill < 400, "the leader was killed only after the run")
        try await cluster.restart(first)
        try await Self.expectEverywhere(cluster, acked)
        // Ids follow the log order, dense from 1: a retried post kept its first id, none reused.
        #expect(Set(acked.values) == Set(1...Int64(acked.count)))
        await cluster.stop()
    }

    /// The sequential log is compacted: after many posts each replica's write-ahead log holds a
    /// snapshot and at most two segments; a replica whose data directory was wiped comes back
    /// by snapshot and lists every post.
    @Test func sequentialLogsStayBoundedAndAWipedReplicaCatchesUpBySnapshot() async throws {
        let cluster = try await ProcessCluster(role: "bulletin", extra: ["--mode", "sequential", "--snapshot-every", "100"])
        let leader = try await cluster.leader()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: 800, by: 8) {
                        _ = try await cluster.clients[leader].call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "t\(index)", body: "b"))
                    }
                }
            }
            try await group.waitForAll()
        }
        for (index, id) in cluster.ids.enumerated() {
            let directory = "\(cluster.directory)/\(id)/bulletin-sequential"
            var files: [String] = []
            for _ in 0..<200 {
                files = try FileManager.default.contentsOfDirectory(atPath: directory)
                if files.contains("snapshot"), files.filter({ $0.hasPrefix("wal-") }).count <= 2 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(files.contains("snapshot"), "replica \(index) has no snapshot: \(files)")
            #expect(files.filter { $0.hasPrefix("wal-") }.count <= 2, "replica \(index) keeps \(files)")
        }
        let wiped = (leader + 1) % 3
        cluster.signal(wiped, SIGTERM)
        _ = try await cluster.nodes[wiped]?.waitForExit()
        try FileManager.default.removeItem(atPath: "\(cluster.directory)/\(cluster.ids[wiped])")
        try await cluster.restart(wiped)
        var status = LogV1.StatusResponse(leader: "", term: 0, commitIndex: 0, appliedIndex: 0, role: "", snapshotIndex: 0, rebuilding: false)
        for _ in 0..<400 where status.snapshotIndex == 0 || status.appliedIndex < 801 {
            status = try await cluster.peerClients[wiped].call(LogV1.Replica.status, LogV1.StatusRequest())
            if status.snapshotIndex == 0 || status.appliedIndex < 801 { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(status.snapshotIndex > 0, "caught up without a snapshot")
        #expect(try await cluster.articleIDs(at: wiped).count == 800)
        await cluster.stop()
    }

    @Test func readYourWritesFollowsTheClientAcrossReplicas() async throws {
        let cluster = try await ProcessCluster.board(mode: "read-your-writes")
        var random = SeededGenerator(seed: 7)
        var session = ""
        for round in 0..<40 {
            let writeAt = Int(random.next() % 3)
            let readAt = (writeAt + 1 + Int(random.next() % 2)) % 3
            let posted = try await cluster.clients[writeAt].call(BulletinV1.Bulletin.post,
                BulletinV1.PostRequest(author: "ann", title: "round \(round)", body: "b", session: session))
            session = posted.session
            let id = try #require(posted.article?.id)
            let page = try await cluster.clients[readAt].call(BulletinV1.Bulletin.list, BulletinV1.ListRequest(pageSize: 5, session: session))
            #expect(page.articles.first?.id == id, "round \(round): replica \(readAt) did not show the post made at \(writeAt)")
            let thread = try await cluster.clients[readAt].call(BulletinV1.Bulletin.get, BulletinV1.GetRequest(id: id, session: session))
            #expect(thread.article?.title == "round \(round)")
            session = thread.session
        }
        await cluster.stop()
    }
}
