import Foundation
import Testing
@testable import Storage

/// The write-ahead log's figures for `/metrics`: every commit's sync is timed, every byte counted.
@Suite(.timeLimit(.minutes(2)))
struct StorageFiguresTests {
    @Test func syncsAndBytesAreCounted() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (log, _) = try WriteAheadLog.open(directory: directory)
        defer { log.close() }
        var last: UInt64 = 0
        var bytes = 0
        for index in 0..<20 {
            last = log.append(payload(index))
            bytes += payload(index).count
            try await log.sync(upTo: last)
        }
        let text = log.figures.render(prefix: "x_")
        let lines = text.split(separator: "\n")
        func value(_ name: String) -> Double? { lines.first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } }
        let count = try #require(value("x_wal_sync_duration_seconds_count"))
        #expect(count >= 1 && count <= 20)
        #expect(value("x_wal_written_bytes_total") == Double(bytes))
        #expect(text.contains("x_wal_sync_duration_seconds_bucket{le=\"+Inf\"} \(Int(count))"))
        // Buckets are cumulative: never decreasing, the last equal to the count.
        let buckets = lines.filter { $0.hasPrefix("x_wal_sync_duration_seconds_bucket") }.compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(buckets == buckets.sorted() && buckets.last == count)
    }
}
