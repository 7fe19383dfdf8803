import Foundation
import Replication
import Storage
import Testing
import TestSupport

struct DurableRecordsTests {
    /// Every `snapshotEvery` records an image replaces them: recovery reads the newest image and
    /// only the records after it, and LSNs keep growing across images.
    @Test func imagesReplaceTheRecordsBeforeThem() throws {
        let directory = ScratchDirectory.path("durable-records")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (log, _) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
        var records = DurableRecords(log: log, snapshotEvery: 4)
        var state: [UInt8] = []
        var lsns: [UInt64] = []
        for value in UInt8(1)...10 {
            lsns.append(records.append([value]))
            state.append(value)
            let image = state
            records.snapshotIfDue(size: 0) { image }
        }
        // Each image takes an LSN of its own, after the fourth and the eighth record.
        #expect(lsns == [1, 2, 3, 4, 6, 7, 8, 9, 11, 12])
        #expect(records.lastLSN == 12)
        log.close()
        let (reopened, recovery) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
        defer { reopened.close() }
        #expect(recovery.snapshot == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(recovery.records == [[9], [10]])
    }

    /// A growing state is imaged at doubling sizes: the records since an image must number at
    /// least that image's items, so the work of imaging stays constant per record.
    @Test func imagesOfAGrowingStateWaitForAsManyRecordsAsTheyHeld() throws {
        let directory = ScratchDirectory.path("durable-records")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (log, _) = try WriteAheadLog.open(directory: directory, options: .init(fsync: .never))
        defer { log.close() }
        var records = DurableRecords(log: log, snapshotEvery: 2)
        var imagedAt: [Int] = []
        for items in 1...40 {
            records.append([UInt8(items)])
            records.snapshotIfDue(size: items) { imagedAt.append(items); return [UInt8(items)] }
        }
        #expect(imagedAt == [2, 4, 8, 16, 32])
    }

    /// Without a log nothing is written and no image is asked for.
    @Test func inMemoryWritesNothing() {
        var records = DurableRecords(log: nil, snapshotEvery: 1)
        #expect(records.append([1]) == 0)
        records.snapshotIfDue(size: 0) { Issue.record("an image was asked for without a log"); return [] }
    }
}
