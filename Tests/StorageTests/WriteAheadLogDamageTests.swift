import Foundation
import Testing
@testable import Storage

/// Recovery tells a torn last write (truncated silently: nobody was told it was durable) from
/// damage to durable data (reported, set aside and remembered until rebuilt).
@Suite(.timeLimit(.minutes(2)))
struct WriteAheadLogDamageTests {
    /// A log of `count` records, each synced as its own batch; closed.
    func writeLog(_ count: Int, options: WriteAheadLog.Options = .init()) async throws -> String {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory, options: options)
        for index in 0..<count { try await log.appendAndSync(payload(index)) }
        log.close()
        return directory
    }

    func segmentPath(_ directory: String, _ index: UInt64) -> String { directory + "/" + SegmentWriter.segmentName(index) }

    /// Where each batch of a segment starts.
    func batchOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var offset = SegmentFormat.headerBytes
        while offset + SegmentFormat.batchHeaderBytes <= bytes.count {
            let length = bytes.withUnsafeBytes { Int(SegmentFormat.uint32($0, offset + 4)) }
            if length == 0 && bytes[offset] == 0 { break }
            offsets.append(offset)
            offset += SegmentFormat.batchHeaderBytes + length
        }
        return offsets
    }

    func flip(_ path: String, at offset: Int) throws {
        var bytes = try RecordFile.readAll(path)
        bytes[offset] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The reproduction in miniature: one flipped byte in the middle of a segment used to
    /// truncate everything after it as a "torn tail". Now it is damage: reported with the file and
    /// offset, the intact prefix replayed, the rest set aside, and remembered until rebuilt.
    @Test func aFlippedByteMidLogIsDamageNotATornTail() async throws {
        let directory = try await writeLog(50)
        let path = segmentPath(directory, 1)
        let offsets = batchOffsets(try RecordFile.readAll(path))
        #expect(offsets.count == 50)
        try flip(path, at: offsets[20] + SegmentFormat.batchHeaderBytes + 6)

        let (log, recovery) = try WriteAheadLog.open(directory: directory)
        let damage = try #require(recovery.damage)
        #expect(damage.file == path)
        #expect(damage.offset == offsets[20])
        #expect(recovery.records == (0..<20).map(payload))
        #expect(recovery.droppedBytes == 0)
        #expect(FileManager.default.fileExists(atPath: path + ".damaged"), "the damaged rest is kept aside")
        try await log.sync(upTo: log.append(Array("rebuilt".utf8)))
        log.close()

        // Reopened before the owner rebuilt: still damaged, and the log continued after the prefix.
        let (again, second) = try WriteAheadLog.open(directory: directory)
        #expect(second.damage != nil)
        #expect(second.records == (0..<20).map(payload) + [Array("rebuilt".utf8)])
        try again.markRebuilt()
        again.close()
        let (third, clean) = try WriteAheadLog.open(directory: directory)
        #expect(clean.damage == nil)
        #expect(clean.records.count == 21)
        third.close()
    }

    /// A bad last batch whose every sector was written (a flipped bit, not a crash mid-write) is
    /// damage too, even with only preallocated zeros after it.
    @Test func aFlippedByteInTheLastSyncedBatchIsDamage() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        for index in 0..<10 { try await log.appendAndSync(payload(index)) }
        // Copy while open: the preallocated zeros stay after the last batch, as after a crash.
        let crashed = try RecordFile.readAll(segmentPath(directory, 1))
        log.close()
        let copy = temporaryDirectory()
        let path = segmentPath(copy, 1)
        try Data(crashed).write(to: URL(fileURLWithPath: path))
        let last = try #require(batchOffsets(crashed).last)
        try flip(path, at: last + SegmentFormat.batchHeaderBytes + 5)
        let (reopened, recovery) = try WriteAheadLog.open(directory: copy)
        #expect(recovery.damage?.offset == last)
        #expect(recovery.records == (0..<9).map(payload))
        reopened.close()
    }

    /// A large last batch with one of its sectors never written (still zeros) is a torn write:
    /// cut off without any damage report.
    @Test func aLastBatchWithAnUnwrittenSectorIsTorn() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        for index in 0..<3 { try await log.appendAndSync(payload(index)) }
        try await log.appendAndSync([UInt8](repeating: UInt8(ascii: "x"), count: 3000))
        let crashed = try RecordFile.readAll(segmentPath(directory, 1))
        log.close()
        let last = try #require(batchOffsets(crashed).last)
        var torn = crashed
        let sector = (last / 512 + 3) * 512
        for index in sector..<(sector + 512) { torn[index] = 0 }
        let copy = temporaryDirectory()
        try Data(torn).write(to: URL(fileURLWithPath: segmentPath(copy, 1)))
        let (reopened, recovery) = try WriteAheadLog.open(directory: copy)
        #expect(recovery.damage == nil)
        #expect(recovery.records == (0..<3).map(payload))
        #expect(recovery.droppedBytes > 0 && recovery.droppedBytes <= 3000 + 32)
        reopened.close()
    }

    /// A deleted middle segment used to go unnoticed (acknowledged keys read back as missing).
    @Test func aMissingMiddleSegmentIsDamage() async throws {
        let directory = try await writeLog(60, options: .init(segmentBytes: 256))
        let segments = SegmentWriter.listSegments(directory)
        #expect(segments.count > 4)
        unlink(segmentPath(directory, 3))
        let (log, recovery) = try WriteAheadLog.open(directory: directory)
        let damage = try #require(recovery.damage)
        #expect(damage.file == segmentPath(directory, 3))
        #expect(damage.reason.contains("missing"))
        #expect(recovery.records == (0..<recovery.records.count).map(payload))
        #expect(recovery.records.count < 60)
        #expect(FileManager.default.fileExists(atPath: segmentPath(directory, 4) + ".damaged"))
        try await log.sync(upTo: log.append(Array("after".utf8)))
        log.close()
        let (again, second) = try WriteAheadLog.open(directory: directory)
        #expect(second.records.last == Array("after".utf8))
        again.close()
    }

    /// Deleting the newest segment is noticed too: the one before it was sealed, promising it.
    @Test func aMissingNewestSegmentIsDamage() async throws {
        let directory = try await writeLog(60, options: .init(segmentBytes: 256))
        let newest = try #require(SegmentWriter.listSegments(directory).last)
        unlink(segmentPath(directory, newest))
        let (log, recovery) = try WriteAheadLog.open(directory: directory)
        #expect(recovery.damage?.reason.contains("sealed") == true)
        log.close()
    }

    @Test func aCorruptSnapshotIsDamage() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        for index in 0..<10 { log.append(payload(index)) }
        log.snapshot(Array("state after 10".utf8))
        try await log.sync(upTo: log.append(payload(10)))
        log.close()
        try flip(directory + "/snapshot", at: 30)
        let (reopened, recovery) = try WriteAheadLog.open(directory: directory)
        #expect(recovery.damage?.file == directory + "/snapshot")
        #expect(recovery.snapshot == nil && recovery.records.isEmpty)
        reopened.close()
    }

    /// A crash between a snapshot's new segment and its file's rename leaves the old segments and
    /// the new one (which skips the snapshot's LSN): they still chain, nothing is damaged.
    @Test func aSnapshotInterruptedBeforeItsRenameStillChains() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        for index in 0..<10 { try await log.appendAndSync(payload(index)) }
        let before = try RecordFile.readAll(segmentPath(directory, 1))
        log.snapshot(Array("state after 10".utf8))
        try await log.sync(upTo: log.append(payload(10)))
        log.close()
        // Undo the rename and the deletion that followed it.
        unlink(directory + "/snapshot")
        try Data(before).write(to: URL(fileURLWithPath: segmentPath(directory, 1)))
        let (reopened, recovery) = try WriteAheadLog.open(directory: directory)
        #expect(recovery.damage == nil)
        #expect(recovery.snapshot == nil)
        #expect(recovery.records == (0...10).map(payload))
        reopened.close()
    }

    /// LSNs continue across restarts (they are what chains batches and segments).
    @Test func sequenceNumbersContinueAcrossRestarts() async throws {
        let directory = try await writeLog(5)
        let (log, recovery) = try WriteAheadLog.open(directory: directory)
        #expect(recovery.nextLSN == 6)
        #expect(log.append(payload(5)) == 6)
        log.close()
    }
}
