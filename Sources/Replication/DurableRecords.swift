package import Storage

/// A role's state made durable through the write-ahead log: every change is appended as a
/// record, and every `snapshotEvery` records an image of the whole state replaces them (the log
/// then deletes the segments the image covers), so the log stays bounded and a restart reads one
/// image plus the records after it (`WriteAheadLog.Recovery`). The register's keys and the
/// bulletin's quorum and read-your-writes boards keep their state this way; the replicated log
/// (consensus, sequential bulletin) snapshots through `LogReplica`.
///
/// Guarantees: LSNs returned are the log's, increasing; `snapshotIfDue` writes an image only
/// after `snapshotEvery` appends since the last one. Not synchronised: keep it inside the state's
/// lock, so that a record and the change it describes are one step, and an image is taken between
/// two changes. Without a log (in memory), nothing is written and every LSN is 0.
package struct DurableRecords: Sendable {
    package let log: WriteAheadLog?
    package let snapshotEvery: Int
    /// The LSN of the last record or image written (what a caller waits on with `durable`).
    package private(set) var lastLSN: UInt64 = 0
    var sinceSnapshot = 0

    package init(log: WriteAheadLog?, snapshotEvery: Int) {
        precondition(snapshotEvery > 0, "snapshotEvery must be positive")
        self.log = log
        self.snapshotEvery = snapshotEvery
    }

    /// Appends one change; returns its LSN (0 without a log).
    @discardableResult
    package mutating func append(_ record: [UInt8]) -> UInt64 {
        guard let log else { return 0 }
        lastLSN = log.append(record)
        sinceSnapshot += 1
        return lastLSN
    }

    /// When `snapshotEvery` records were appended since the last image: writes `image()`, which
    /// must stand for every record appended so far.
    package mutating func snapshotIfDue(_ image: () throws -> [UInt8]) rethrows {
        guard let log, sinceSnapshot >= snapshotEvery else { return }
        lastLSN = log.snapshot(try image())
        sinceSnapshot = 0
    }

    /// Waits until the log is durable up to `lsn` (at once without a log, or for LSN 0).
    package func durable(_ lsn: UInt64) async throws {
        if let log, lsn > 0 { try await log.sync(upTo: lsn) }
    }
}
