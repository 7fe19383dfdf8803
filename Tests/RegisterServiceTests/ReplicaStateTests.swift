import JSON
import RegisterCore
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
}
