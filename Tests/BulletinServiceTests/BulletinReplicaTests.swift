import BulletinCore
import Foundation
import Storage
import Testing
@testable import BulletinService
import TestSupport

@Suite(.timeLimit(.minutes(1)))
struct BulletinReplicaTests {
    static func item(_ seq: UInt64) -> BulletinItem {
        BulletinItem(id: Int64(seq), kind: .article, author: "a", title: "t", body: "b", createdAtMs: 1, origin: "n2", seq: seq)
    }

    @Test func waitReturnsOnceTheVectorIsIncluded() async throws {
        let replica = try BulletinReplica(origin: "n1", nodeIndex: 0, log: nil)
        let waiting = Task { await replica.wait(for: VersionVector(["n2": 2]), timeout: .seconds(50)) }
        replica.apply(Self.item(1))
        replica.apply(Self.item(2))
        #expect(await waiting.value)
        #expect(await replica.wait(for: VersionVector(), timeout: .seconds(50)))
    }

    /// A cancelled caller (an RPC past its deadline) stops waiting at once: with a 120 s timeout,
    /// ignoring cancellation would exceed the suite's time limit.
    @Test func waitEndsWhenTheCallerIsCancelled() async throws {
        let replica = try BulletinReplica(origin: "n1", nodeIndex: 0, log: nil)
        let waiting = Task { await replica.wait(for: VersionVector(["n2": 5]), timeout: .seconds(120)) }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        #expect(await waiting.value == false)
    }

    @Test func watchersSeeExistingThenNewItemsOnce() async throws {
        let replica = try BulletinReplica(origin: "n1", nodeIndex: 0, log: nil)
        replica.apply(Self.item(1))
        var events = replica.watch(after: 0).makeAsyncIterator()
        replica.apply(Self.item(2))
        replica.apply(Self.item(2))   // a duplicate is not an event
        replica.apply(Self.item(3))
        var seen: [Int64] = []
        for _ in 0..<3 { if let item = await events.next() { seen.append(item.id) } }
        #expect(seen == [1, 2, 3])
    }

    /// A watcher sees an item only once this replica's log holds it durably: one added after the
    /// log stopped (as when the process dies before the fsync) never reaches the watcher, whose
    /// stream ends instead.
    @Test func watchersSeeOnlyDurableItems() async throws {
        let (log, _) = try WriteAheadLog.open(directory: ScratchDirectory.path("bulletin-watch"))
        let replica = try BulletinReplica(origin: "n1", nodeIndex: 0, log: log)
        try await replica.store([Self.item(1)])
        var events = replica.watch(after: 0).makeAsyncIterator()
        #expect(await events.next()?.id == 1)
        log.close()
        await #expect(throws: (any Error).self) { try await replica.store([Self.item(2)]) }
        #expect(replica.read { $0.item(2) } != nil, "added, though not durable")
        #expect(await events.next() == nil, "a watcher was shown an item that never became durable")
    }
}

/// Sequential-mode snapshot images grow by increments; each equals the image of the whole board.
struct BulletinReplicaImageTests {
    @Test func incrementalImagesEqualWholeImages() throws {
        let replica = try BulletinReplica(origin: "log", nodeIndex: 0, log: nil)
        var index = 0
        for round in 0..<3 {
            for _ in 0..<(5 + round * 7) {
                index += 1
                let draft = BulletinDraft(kind: index % 4 == 0 ? .reply : .article, parentId: index % 4 == 0 ? Int64(index - 1) : 0,
                                       author: "a", title: "t\(index)", body: "b", requestId: index % 3 == 0 ? "r\(index)" : nil,
                                       createdAtMs: Int64(index))
                _ = replica.apply(draft, index: UInt64(index))
            }
            let image = try replica.snapshot()()
            #expect(image == replica.copyOfBulletin().image.encoded(), "round \(round)")
            let restored = try BulletinReplica(origin: "log", nodeIndex: 0, log: nil)
            try restored.restore(image)
            #expect(restored.copyOfBulletin().image == replica.copyOfBulletin().image)
        }
    }
}

/// Quorum and read-your-writes replicas keep their board through `DurableRecords`: an image of
/// the board once `snapshotEvery` items (or as many as the last image held) were added, so a
/// restart reads one image and a tail no longer than it.
struct BulletinReplicaSnapshotTests {
    @Test func restartReadsTheImageAndTheRecordsAfterIt() async throws {
        let directory = ScratchDirectory.path("board-snapshots")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func open() throws -> (BulletinReplica, WriteAheadLog, WriteAheadLog.Recovery) {
            let (log, recovery) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
            return (try BulletinReplica(origin: "n1", nodeIndex: 1, log: log, recovery: recovery, snapshotEvery: 10), log, recovery)
        }
        let (replica, log, _) = try open()
        var ids: [Int64] = []
        for index in 0..<25 {
            let item = try await replica.accept(BulletinDraft(kind: .article, author: "a", title: "t\(index)", body: "b",
                                                           requestId: "r\(index)", createdAtMs: 1))
            ids.append(item.id)
        }
        #expect(try await replica.store((1...12).map { BulletinReplicaTests.item($0) }) == 12)
        let before = replica.copyOfBulletin()
        log.close()
        let (again, reopened, recovery) = try open()
        #expect(recovery.snapshot != nil, "an image of the board was written")
        // Images after the 10th and the 20th item (each waits for as many records as the last
        // image held): only the 17 items after the second are replayed.
        #expect(recovery.records.count == 17, "\(recovery.records.count) records replayed")
        #expect(again.read { $0.count } == 37)
        // Images are built by increments (items in the order added): the restored board is the
        // same board, request-id ring and version vector included.
        #expect(again.copyOfBulletin().image == before.image)
        #expect(again.vector == before.vector)
        #expect(again.read { board in ids.allSatisfy { board.item($0) != nil } })
        // The request ids came back with the image: a retried post finds its item.
        let retried = try await again.accept(BulletinDraft(kind: .article, author: "a", title: "t3", body: "b", requestId: "r3", createdAtMs: 1))
        #expect(retried.id == ids[3])
        // The first image after a restart holds the recovered items too.
        for index in 25..<35 {
            _ = try await again.accept(BulletinDraft(kind: .article, author: "a", title: "t\(index)", body: "b", requestId: "r\(index)", createdAtMs: 1))
        }
        let second = again.copyOfBulletin()
        reopened.close()
        let (third, log3, recovery3) = try open()
        defer { log3.close() }
        #expect(recovery3.records.isEmpty, "an image after the 10th item since the restart")
        #expect(third.copyOfBulletin().image == second.image && third.read { $0.count } == 47)
    }
}
