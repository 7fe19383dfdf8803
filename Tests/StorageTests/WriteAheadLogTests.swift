import Foundation
import Synchronization
import Testing
@testable import Storage
import TestSupport

/// A fresh temporary directory per test.
func temporaryDirectory() -> String {
    let path = ScratchDirectory.path("wal-test")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func payload(_ index: Int) -> [UInt8] { Array("record-\(index)-".utf8) + [UInt8](repeating: UInt8(index % 251), count: index % 40) }

@Suite(.timeLimit(.minutes(2)))
struct WriteAheadLogTests {
    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.software($0) } == 0xE306_9283)
    }

    /// The CPU's instruction (where present) and the table agree on every length and alignment,
    /// also when a checksum continues from a seed (snapshots are checksummed piece by piece).
    @Test func crc32cHardwareAndSoftwareAgree() {
        let bytes = (0..<4099).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
        bytes.withUnsafeBytes { raw in
            for start in [0, 1, 3, 7] {
                for end in [start, start + 1, start + 8, start + 13, 1000, 4099] {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                    #expect(CRC32C.checksum(slice) == CRC32C.software(slice), "\(start)..<\(end)")
                }
            }
            let whole = CRC32C.software(raw)
            let split = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[1000...]),
                                        seed: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[..<1000])))
            #expect(split == whole)
        }
    }

    @Test func recordsSurviveCloseAndReopenInOrder() async throws {
        let directory = temporaryDirectory()
        let (log, recovery) = try WriteAheadLog.open(directory: directory)
        #expect(recovery.records.isEmpty && recovery.snapshot == nil)
        var last: UInt64 = 0
        for index in 0..<100 { last = log.append(payload(index)) }
        try await log.sync(upTo: last)
        log.close()
        let (again, replay) = try WriteAheadLog.open(directory: directory)
        #expect(replay.records == (0..<100).map(payload))
        #expect(replay.droppedBytes == 0)
        again.close()
    }

    /// Cut the file at every byte of the last batch (a write the crash interrupted): recovery
    /// keeps exactly the records before it, calls it torn (no damage) and continues after them.
    @Test func crashAtEveryByteOfTheLastBatchRecoversThePrefix() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
        for index in 0..<5 { try await log.appendAndSync(payload(index)) }
        try await log.sync(upTo: log.append(Array("the last record".utf8)))
        log.close()
        let segment = directory + "/" + SegmentWriter.segmentName(1)
        let full = try RecordFile.readAll(segment)
        let lastStart = full.count - (SegmentFormat.batchHeaderBytes + 4 + "the last record".utf8.count)
        for cut in lastStart..<full.count {
            let copy = temporaryDirectory()
            try Data(full[0..<cut]).write(to: URL(fileURLWithPath: copy + "/" + SegmentWriter.segmentName(1)))
            let (recovered, report) = try WriteAheadLog.open(directory: copy)
            #expect(report.records == (0..<5).map(payload), "cut at \(cut)")
            #expect(report.damage == nil, "cut at \(cut)")
            #expect(report.droppedBytes <= cut - lastStart, "cut at \(cut)")
            // The log continues cleanly after the truncated tail.
            try await recovered.sync(upTo: recovered.append(Array("after".utf8)))
            recovered.close()
            let (third, second) = try WriteAheadLog.open(directory: copy)
            #expect(second.records == (0..<5).map(payload) + [Array("after".utf8)])
            #expect(second.droppedBytes == 0 && second.damage == nil)
            third.close()
        }
    }

    /// A crash leaves the preallocated zeros after the last record: recovery treats them as the
    /// clean end (nothing dropped) and the log continues right after the last record.
    @Test func aPreallocatedTailIsTheCleanEndAfterACrash() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        for index in 0..<10 { log.append(payload(index)) }
        try await log.sync(upTo: log.append(payload(10)))
        // Copy the segment while the log is open, as a crash would leave it.
        let segment = SegmentWriter.segmentName(1)
        let crashed = try RecordFile.readAll(directory + "/" + segment)
        log.close()
        let written = try RecordFile.readAll(directory + "/" + segment)
        #expect(crashed.count > written.count, "the open segment is preallocated")
        #expect(Array(crashed[0..<written.count]) == written && crashed[written.count...].allSatisfy { $0 == 0 })
        let copy = temporaryDirectory()
        try Data(crashed).write(to: URL(fileURLWithPath: copy + "/" + segment))
        let (recovered, report) = try WriteAheadLog.open(directory: copy)
        #expect(report.records == (0...10).map(payload))
        #expect(report.droppedBytes == 0)
        try await recovered.sync(upTo: recovered.append(payload(11)))
        recovered.close()
        let (again, replay) = try WriteAheadLog.open(directory: copy)
        #expect(replay.records == (0...11).map(payload))
        #expect(replay.droppedBytes == 0)
        again.close()
    }

    /// A log whose appends its caller flushes (as an event loop does), once its flusher thread
    /// has gone to sleep.
    func openCallerFlushingLog() async throws -> (WriteAheadLog, String) {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory, options: .init(callerFlushes: { true }))
        while !log.state.withLock({ $0.flusherIdle }) { try await Task.sleep(for: .milliseconds(1)) }
        return (log, directory)
    }

    /// A caller that flushes itself (an event loop) does not wake the flusher thread; its
    /// `flushPending` writes, fsyncs and wakes the waiters; `close` still flushes what is queued.
    @Test func aCallerThatFlushesItselfBypassesTheFlusherThread() async throws {
        let (log, directory) = try await openCallerFlushingLog()
        let lsn = log.append(payload(1))
        let waiter = Task { try await log.sync(upTo: lsn) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(log.fsyncCount == 0, "nobody flushed yet")
        log.flushPending()
        try await waiter.value
        #expect(log.fsyncCount == 1)
        log.flushPending()
        #expect(log.fsyncCount == 1, "nothing queued: no fsync")
        log.append(payload(2))
        log.close()
        let (again, replay) = try WriteAheadLog.open(directory: directory)
        #expect(replay.records == [payload(1), payload(2)])
        again.close()
    }

    /// `whenDurable` calls back instead of suspending: after the flush that makes the record
    /// durable (not before), at once for a record already durable, and with an error once closed.
    @Test func durabilityCallbacks() async throws {
        let (log, _) = try await openCallerFlushingLog()
        let calls = Mutex<[String]>([])
        let lsn = log.append(payload(1))
        log.whenDurable(upTo: lsn) { error in calls.withLock { $0.append(error == nil ? "first" : "first failed") } }
        #expect(calls.withLock { $0 }.isEmpty, "not durable yet")
        log.flushPending()
        #expect(calls.withLock { $0 } == ["first"], "called by the flush, on the flushing thread")
        log.whenDurable(upTo: lsn) { error in calls.withLock { $0.append(error == nil ? "again" : "again failed") } }
        #expect(calls.withLock { $0 } == ["first", "again"], "already durable: called at once")
        try await log.sync(upTo: lsn)
        log.close()
        await #expect(throws: StorageError.self, "a closed log refuses even settled waits") { try await log.sync(upTo: lsn) }
        log.whenDurable(upTo: lsn + 1) { error in calls.withLock { $0.append(error == nil ? "late" : "late failed") } }
        #expect(calls.withLock { $0 } == ["first", "again", "late failed"])
    }

    /// A busy caller (`mayBlock: false`) hands what it queued to the flusher thread instead of
    /// flushing itself: the waiter is answered without the caller ever flushing.
    @Test func aBusyCallerHandsItsAppendsToTheFlusherThread() async throws {
        let (log, directory) = try await openCallerFlushingLog()
        let lsn = log.append(payload(1))
        log.flushPending(mayBlock: false)
        try await log.sync(upTo: lsn)
        #expect(log.fsyncCount == 1)
        log.close()
        let (again, replay) = try WriteAheadLog.open(directory: directory)
        #expect(replay.records == [payload(1)])
        again.close()
    }

    /// An idle caller (`mayBlock: true`) flushes inline only when a waiter lets it: appends
    /// nobody waits for, or whose waiters asked for the flusher thread (`inline: false`), go to
    /// that thread, so the event loop goes back to its sockets instead of sitting in an fsync.
    @Test func anIdleCallerLeavesAppendsNobodyWaitsForToTheFlusherThread() async throws {
        let (log, directory) = try await openCallerFlushingLog()
        let lsn = log.append(payload(1))
        log.flushPending(mayBlock: true)
        #expect(log.state.withLock { $0.inlineFlushes } == 0, "nobody waits: left to the flusher thread")
        while log.state.withLock({ $0.durableLSN }) < lsn { try await Task.sleep(for: .milliseconds(1)) }
        #expect(log.fsyncCount == 1)
        while !log.state.withLock({ $0.flusherIdle }) { try await Task.sleep(for: .milliseconds(1)) }
        let patient = log.append(payload(2))
        let patientWaiter = Task { try await log.sync(upTo: patient, inline: false) }
        while log.state.withLock({ $0.waiters.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
        log.flushPending(mayBlock: true)
        #expect(log.state.withLock { $0.inlineFlushes } == 0, "the waiter asked for the flusher thread")
        try await patientWaiter.value
        while !log.state.withLock({ $0.flusherIdle }) { try await Task.sleep(for: .milliseconds(1)) }
        let waited = log.append(payload(3))
        let waiter = Task { try await log.sync(upTo: waited) }
        while log.state.withLock({ $0.waiters.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
        log.flushPending(mayBlock: true)
        #expect(log.state.withLock { $0.inlineFlushes } == 1)
        #expect(log.state.withLock { $0.durableLSN } >= waited, "flushed inline, before returning")
        try await waiter.value
        log.close()
        let (again, replay) = try WriteAheadLog.open(directory: directory)
        #expect(replay.records == [payload(1), payload(2), payload(3)])
        again.close()
    }

    /// Concurrent appends share fsyncs.
    @Test func groupCommitBatchesConcurrentAppends() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .always))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                group.addTask { try await log.appendAndSync(payload(index)) }
            }
            try await group.waitForAll()
        }
        let fsyncs = log.fsyncCount
        #expect(fsyncs >= 1)
        #expect(fsyncs < 400, "every append paid its own fsync: \(fsyncs)")
        log.close()
        let (_, replay) = try WriteAheadLog.open(directory: directory)
        #expect(Set(replay.records) == Set((0..<400).map(payload)))
    }

    @Test func neverPolicyDoesNotFsyncAppends() async throws {
        let (log, _) = try WriteAheadLog.open(directory: temporaryDirectory(), options: .init(fsync: .never))
        try await log.appendAndSync(payload(1))
        #expect(log.fsyncCount == 0)
        log.close()
    }

    @Test func snapshotReplacesTheSegmentsItCovers() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory, options: .init(segmentBytes: 200))
        for index in 0..<30 { log.append(payload(index)) }
        log.snapshot(Array("state after 30".utf8))
        for index in 30..<35 { log.append(payload(index)) }
        try await log.sync(upTo: log.append(payload(35)))
        log.close()
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("wal-") }
        let (reopened, replay) = try WriteAheadLog.open(directory: directory)
        #expect(replay.snapshot == Array("state after 30".utf8))
        #expect(replay.records == (30..<36).map(payload))
        #expect(segments.count <= 2, "old segments kept: \(segments)")
        reopened.close()
    }

    @Test func segmentsRollAndReplayInOrder() async throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory, options: .init(segmentBytes: 256))
        for index in 0..<60 { try await log.appendAndSync(payload(index)) }
        log.close()
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("wal-") }
        #expect(segments.count > 3)
        let (reopened, replay) = try WriteAheadLog.open(directory: directory)
        #expect(replay.records == (0..<60).map(payload))
        reopened.close()
    }

    @Test func theDataDirectoryIsLocked() throws {
        let directory = temporaryDirectory()
        let (log, _) = try WriteAheadLog.open(directory: directory)
        do {
            _ = try WriteAheadLog.open(directory: directory)
            Issue.record("a second open succeeded")
        } catch {
            #expect(error.reason.contains("in use by another process"))
        }
        log.close()
    }
}
