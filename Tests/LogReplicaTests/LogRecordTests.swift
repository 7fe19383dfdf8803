import JSON
import ReplicatedLog
import Storage
import Testing
@testable import LogReplica

/// `LogRecord.encoded` writes its JSON by hand (it is on every append's path): the bytes must be
/// exactly what `Codable` writes, so that `recover` (and a log written before) reads them back.
struct LogRecordTests {
    static let records: [LogRecord] = [
        LogRecord(),
        LogRecord(hard: HardState(term: 3)),
        LogRecord(hard: HardState(term: 7, votedFor: "n2"), commit: 41),
        LogRecord(entries: [LogEntry(term: 2, index: 9, data: [])]),
        LogRecord(entries: [LogEntry(term: 2, index: 10, data: Array(#"{"vote":{"poolId":"p \"1\"","now":5}}"#.utf8)),
                            LogEntry(term: 3, index: 11, data: Array("ünï\u{1}\n\t\\/ 🗳️".utf8))],
                  commit: 10),
        LogRecord(hard: HardState(term: UInt64.max, votedFor: ""), entries: [], commit: 0),
    ]

    @Test func writesWhatCodableWrites() throws {
        for record in Self.records {
            #expect(record.encoded() == (try JSONValueEncoder.bytes(record)), "\(String(decoding: record.encoded(), as: UTF8.self))")
        }
    }

    @Test func recordsReadBackTheSame() throws {
        for record in Self.records {
            let decoded = try JSONValueDecoder.decode(LogRecord.self, from: record.encoded())
            #expect(decoded.hard == record.hard)
            #expect(decoded.commit == record.commit)
            #expect(decoded.entries?.map(\.entry) == record.entries?.map(\.entry))
        }
    }
}
