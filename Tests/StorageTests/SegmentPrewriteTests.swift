import Foundation
import Testing
@testable import Storage

/// Zeros written ahead of the log's end (`SegmentWriter+Prewrite`): batches overwrite them in
/// place, and a crash that leaves them behind recovers exactly as before.
@Suite(.timeLimit(.minutes(2)))
struct SegmentPrewriteTests {
    func segmentPath(_ directory: String, _ index: UInt64) -> String { directory + "/" + SegmentWriter.segmentName(index) }

    func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : -1
    }

    /// Waits (bounded) until the flusher thread wrote `count` chunks ahead.
    func waitForPrewrites(_ log: WriteAheadLog, _ count: Int) async throws {
        for _ in 0..<2000 where log.prewriteCount < count { try await Task.sleep(for: .milliseconds(5)) }
        #expect(log.prewriteCount >= count)
    }

    /// After the zeros are written, appends land inside them: the file does not grow, so each
    /// sync flushes data into space the file system already holds as written.
    @Test func batchesOverwriteTheZerosWrittenAhead() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        try await log.appendAndSync(payload(0))
        try await waitForPrewrites(log, 1)
        let path = segmentPath(directory, 1)
        let ahead = fileSize(path)
        #expect(ahead >= SegmentWriter.prewriteChunk)
        for index in 1..<50 { try await log.appendAndSync(payload(index)) }
        #expect(fileSize(path) == ahead)
        // A crash now leaves the zeros after the last batch: a clean end, nothing torn or damaged.
        let crashed = try RecordFile.readAll(path)
        #expect(crashed.count == ahead)
        log.close()
        let copy = temporaryDirectory()
        try Data(crashed).write(to: URL(fileURLWithPath: segmentPath(copy, 1)))
        let (reopened, recovery) = try WriteAheadLog.open(directory: copy)
        #expect(recovery.damage == nil && recovery.droppedBytes == 0)
        #expect(recovery.records == (0..<50).map(payload))
        // Appending continues right after the last batch, inside the zeros.
        try await reopened.appendAndSync(payload(50))
        #expect(fileSize(segmentPath(copy, 1)) == ahead)
        reopened.close()
        let (again, replay) = try WriteAheadLog.open(directory: copy)
        #expect(replay.records == (0..<51).map(payload))
        again.close()
    }

    /// A crash in the middle of writing a batch into the zeros: the sectors it did not reach are
    /// still zeros, so it is a torn write (cut off, no damage), as in space past the file's end.
    @Test func aBatchTornInsideTheZerosIsTorn() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        for index in 0..<5 { try await log.appendAndSync(payload(index)) }
        try await waitForPrewrites(log, 1)
        var crashed = try RecordFile.readAll(segmentPath(directory, 1))
        let end = SegmentScan.scan(crashed, index: 1, expectedLSN: 1, isNewest: true).validEnd
        #expect(crashed.count >= end + SegmentWriter.prewriteChunk / 2)
        log.close()
        // The next batch (LSN 6), 2 KiB of records, of which only the first sector arrived.
        var batch: [UInt8] = []
        SegmentFormat.appendBatch([[UInt8](repeating: UInt8(ascii: "t"), count: 2000)], firstLSN: 6, to: &batch)
        let landed = (end / 512 + 1) * 512 - end
        crashed.replaceSubrange(end..<(end + landed), with: batch[0..<landed])
        let copy = temporaryDirectory()
        try Data(crashed).write(to: URL(fileURLWithPath: segmentPath(copy, 1)))
        let (reopened, recovery) = try WriteAheadLog.open(directory: copy)
        #expect(recovery.damage == nil)
        #expect(recovery.records == (0..<5).map(payload))
        #expect(recovery.droppedBytes > 0 && recovery.droppedBytes <= landed)
        reopened.close()
    }

    /// A batch larger than what is written ahead extends the file; writing ahead resumes after it.
    @Test func aBatchLargerThanTheZerosExtendsTheFile() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        try await log.appendAndSync(payload(0))
        try await waitForPrewrites(log, 1)
        let big = [UInt8](repeating: UInt8(ascii: "b"), count: SegmentWriter.prewriteChunk * 2)
        try await log.appendAndSync(big)
        try await log.appendAndSync(payload(1))
        try await waitForPrewrites(log, 2)
        #expect(fileSize(segmentPath(directory, 1)) >= big.count + SegmentWriter.prewriteChunk)
        log.close()
        let (reopened, recovery) = try WriteAheadLog.open(directory: directory)
        #expect(recovery.records == [payload(0), big, payload(1)])
        reopened.close()
    }
}
