import Foundation
import JSON
import RegisterCore
import Storage
import Testing
@testable import RegisterService
import TestSupport

@Suite struct ReplicaStateTests {
    /// The hand-written log record reads back, through the same decoder recovery uses, as the
    /// entry it was written from: escapes, non-ASCII, tombstones and the largest counter.
    @Test func logRecordsReadBackAsTheirEntries() throws {
        let cases: [(String, Entry)] = [
            ("k", Entry(version: Version(counter: 1, writer: "n1/a/1"), value: "v")),
            ("quote\"back\\slash\nnew line\u{1}", Entry(version: Version(counter: 42, writer: "n2/\u{e9}/7"), value: "\u{1F600} tab\t")),
            ("gone", Entry(version: Version(counter: .max, writer: "n3/z/9"), value: nil)),
            ("", Entry(version: Version(counter: 0, writer: ""), value: "")),
        ]
        for (key, entry) in cases {
            let bytes = ReplicaState.Record.bytes(key: key, entry: entry)
            _ = try JSONParser.parse(bytes)
            let record = try JSONValueDecoder.decode(ReplicaState.Record.self, from: bytes)
            #expect(record.k == key)
            #expect(record.c == entry.version.counter)
            #expect(record.w == entry.version.writer)
            #expect(record.v == entry.value)
        }
    }

    /// An offer is held unless something newer is stored; an offer repeated after its entry was
    /// replaced (a duplicate, a retry) is still answered `held`, also after a restart, since the
    /// replaced versions are rebuilt from the log.
    @Test func offersAreAnsweredHeldOrNewerAndRememberedAcrossRestarts() async throws {
        let directory = ScratchDirectory.path("replica-offer")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = Entry(version: Version(counter: 1, writer: "n1/a/1"), value: "one")
        let second = Entry(version: Version(counter: 2, writer: "n2/b/1"), value: "two")
        let stale = Entry(version: Version(counter: 1, writer: "n3/c/1"), value: "stale")
        do {
            let (log, recovery) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
            let replica = try ReplicaState(log: log, recovery: recovery)
            #expect(try await replica.offer([("k", first)]) == [.held])
            #expect(try await replica.offer([("k", first)]) == [.held])
            #expect(try await replica.offer([("k", second), ("other", stale)]) == [.held, .held])
            #expect(try await replica.offer([("k", first), ("k", stale)]) == [.held, .newer(second.version)])
            #expect(replica.read("k") == second)
            log.close()
        }
        let (log, recovery) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
        let replica = try ReplicaState(log: log, recovery: recovery)
        #expect(try await replica.offer([("k", first), ("k", stale)]) == [.held, .newer(second.version)])
        log.close()
    }

    /// A replica that no longer remembers what it replaced cannot vouch it never held an offered
    /// entry: past its memory of replaced versions, and for what a snapshot replaced.
    @Test func aReplicaThatForgotWhatItReplacedDoesNotVouch() async throws {
        let offered = Entry(version: Version(counter: 1, writer: "n1/a/1"), value: "offered")
        let never = Entry(version: Version(counter: 1, writer: "n0/z/1"), value: "never held")
        let replica = try ReplicaState(log: nil)
        #expect(try await replica.offer([("k", offered)]) == [.held])
        for counter in 2...(ReplicaState.replacedMemory + 2) {
            try await replica.store([("k", Entry(version: Version(counter: UInt64(counter), writer: "n2/b/1"), value: "v"))])
        }
        let current = Version(counter: UInt64(ReplicaState.replacedMemory + 2), writer: "n2/b/1")
        #expect(try await replica.offer([("k", offered), ("k", never)]) == [.newerUnvouched(current), .newerUnvouched(current)])
        let unrelated = Entry(version: Version(counter: 1, writer: "n1/a/2"), value: "x")
        try await replica.store([("other", Entry(version: Version(counter: 5, writer: "n2/b/2"), value: "y"))])
        #expect(try await replica.offer([("other", unrelated)]) == [.newer(Version(counter: 5, writer: "n2/b/2"))])

        let directory = ScratchDirectory.path("replica-snapshot")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let (log, recovery) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
            let snapshotting = try ReplicaState(log: log, recovery: recovery, snapshotEvery: 2)
            #expect(try await snapshotting.offer([("k", offered)]) == [.held])
            try await snapshotting.store([("k", Entry(version: Version(counter: 2, writer: "n2/b/1"), value: "v"))])
            log.close()
        }
        let (log, recovery) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
        let recovered = try ReplicaState(log: log, recovery: recovery)
        #expect(try await recovered.offer([("k", offered)]) == [.newerUnvouched(Version(counter: 2, writer: "n2/b/1"))])
        log.close()
    }

    /// Waits for `whenDurable`'s callback.
    func durable(_ prepared: ReplicaState.PreparedEntry, in replica: ReplicaState) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            replica.whenDurable(prepared) { error in
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
        }
    }

    /// A prepared entry is logged but not shown (reads, queries and offers do not see it) until
    /// revealed; abandoned, it stays out of sight until a restart replays its record, and a
    /// snapshot taken meanwhile keeps it too (what the offer round's proof allows).
    @Test func preparedEntriesAreLoggedButShownOnlyWhenRevealed() async throws {
        let directory = ScratchDirectory.path("replica-prepared")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shown = Entry(version: Version(counter: 1, writer: "n1/a/1"), value: "shown")
        let hidden = Entry(version: Version(counter: 1, writer: "n1/a/2"), value: "hidden")
        do {
            let (log, recovery) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .always))
            let replica = try ReplicaState(log: log, recovery: recovery)
            let first = replica.prepare("a", shown)
            #expect(replica.read("a") == nil)
            #expect(try await replica.query(["a"]) == [nil])
            try await durable(first, in: replica)
            replica.reveal(first)
            #expect(try await replica.query(["a"]) == [shown])
            let second = replica.prepare("b", hidden)
            try await durable(second, in: replica)
            replica.abandon(second)
            #expect(replica.read("b") == nil)
            #expect(try await replica.offer([("b", Entry(version: .zero.next(by: "n0/b/1"), value: "other"))]) == [.held])
            log.close()
        }
        let (log, recovery) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .always))
        let replica = try ReplicaState(log: log, recovery: recovery, snapshotEvery: 1)
        #expect(replica.read("a") == shown)
        #expect(replica.read("b")?.value == "hidden", "the replayed record shows the higher writer id")
        let third = replica.prepare("c", hidden)
        try await replica.store([("d", shown)])  // takes a snapshot
        replica.abandon(third)
        log.close()
        let (again, afterSnapshot) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .always))
        #expect(afterSnapshot.snapshot != nil)
        #expect(try ReplicaState(log: again, recovery: afterSnapshot).read("c") == hidden)
        again.close()
    }
}
