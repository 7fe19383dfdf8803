public import Storage

/// A role's state made durable through the write-ahead log: every change is appended as a
/// record, and every `snapshotEvery` records (or as many as the last image held, if more) an
/// image of the whole state replaces them (the log then deletes the segments the image covers),
/// so the log stays bounded and a restart reads one image plus the records after it
/// (`WriteAheadLog.Recovery`). The register's keys and the
/// bulletin's quorum and read-your-writes boards keep their state this way; the replicated log
/// (consensus, sequential bulletin) snapshots through `LogReplica`.
///
/// Guarantees: LSNs returned are the log's, increasing; `snapshotIfDue` writes an image only
/// after `max(snapshotEvery, items in the last image)` appends since the last one. Not synchronised: keep it inside
/// the state's lock, so that a record and the change it describes are one step, and an image is
/// taken between two changes. Without a log (in memory), nothing is written and every LSN is 0.
public struct DurableRecords: Sendable {
    public let log: WriteAheadLog?
    public let snapshotEvery: Int
    /// The LSN of the last record or image written (what a caller waits on with `durable`).
    public private(set) var lastLSN: UInt64 = 0
    var sinceSnapshot = 0
    /// Items in the last image.
    var imagedSize = 0

    public init(log: WriteAheadLog?, snapshotEvery: Int) {
        precondition(snapshotEvery > 0, "snapshotEvery must be positive")
        self.log = log
        self.snapshotEvery = snapshotEvery
    }

    /// Appends one change; returns its LSN (0 without a log).
    @discardableResult
    public mutating func append(_ record: [UInt8]) -> UInt64 {
        guard let log else { return 0 }
        lastLSN = log.append(record)
        sinceSnapshot += 1
        return lastLSN
    }

    /// Whether an image is due: once the records since the last image number at least
    /// `snapshotEvery` and at least as many as that image had items. An image costs work in
    /// proportion to the state, so this keeps its cost per record constant (amortized) however
    /// large the state grows (a growing state is imaged at doubling sizes), and the log beyond
    /// the image at most about the image's size.
    public var isSnapshotDue: Bool {
        log != nil && sinceSnapshot >= max(snapshotEvery, imagedSize)
    }

    /// When due (see `isSnapshotDue`): writes `image()` of a state of `size` items, which must
    /// stand for every record appended so far.
    public mutating func snapshotIfDue(size: Int, _ image: () throws -> [UInt8]) rethrows {
        guard isSnapshotDue, let log else { return }
        lastLSN = log.snapshot(try image())
        sinceSnapshot = 0
        imagedSize = size
    }
}
