import Foundation
import JSON
import RegisterCore
import Storage
import Testing
@testable import RegisterService

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
        let directory = NSTemporaryDirectory() + "replica-offer-\(UUID().uuidString)"
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
}
