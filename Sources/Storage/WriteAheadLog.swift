import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An append-only, checksummed log of records in segment files, with snapshots, shared by every role.
///
/// `append` and `snapshot` are synchronous and never block: they enqueue in call order and return
/// a log sequence number (LSN; consecutive and persistent across restarts). Whoever flushes (the
/// flusher thread, or an event loop between iterations, see `Options.callerFlushes`) writes
/// everything queued as one batch, fsyncs once per batch (group commit, per `FsyncPolicy`) and then
/// wakes `sync(upTo:)` callers; one thread flushes at a time.
///
/// Guarantees: when `sync(upTo: n)` returns (policy `always`/`batch`), records up to LSN `n` are
/// on disk. `open` replays the snapshot then every intact record in order. It tells a torn tail
/// (the newest segment's last batch, cut short by a crash: truncated, never acknowledged) from
/// damage to data that was durable (a bad batch with intact ones after it or in an older segment,
/// a missing segment, a corrupt snapshot): damage is reported in `Recovery.damage`, the damaged
/// part is set aside (`*.damaged`) and the report repeats at every open until `markRebuilt()`.
/// After a snapshot, the segments it covers are deleted; the data directory is locked against a
/// second process. A write or fsync that fails (disk full, EIO, read-only) fails its waiters, keeps
/// the records queued in order and is retried — rewritten from memory into a reopened segment —
/// every `retryInterval` until it succeeds; meanwhile `problem` says why and new waiters fail at once.
public final class WriteAheadLog: Sendable {
    public struct Options: Sendable {
        public var fsync: FsyncPolicy
        /// A segment larger than this is closed and a new one started.
        public var segmentBytes: Int
        /// With `.batch`, how long the flusher waits for more appends before writing.
        public var batchWindow: Duration
        /// How long the flusher waits before retrying a failed write.
        public var retryInterval: Duration

        /// Returns true when the calling thread promises to call `flushPending()` before it next
        /// sleeps (an event loop with the log as an idle hook). Appends from such a thread do not
        /// wake the flusher thread: the thread writes and fsyncs them itself between loop
        /// iterations (group commit per iteration, as Redis does), saving two thread wake-ups per
        /// write. Ignored with `.batch`, whose window needs the flusher thread.
        public var callerFlushes: (@Sendable () -> Bool)?

        public init(fsync: FsyncPolicy = .always, segmentBytes: Int = 64 << 20, batchWindow: Duration = .microseconds(500),
                    retryInterval: Duration = .seconds(1), callerFlushes: (@Sendable () -> Bool)? = nil) {
            self.fsync = fsync
            self.segmentBytes = segmentBytes
            self.batchWindow = batchWindow
            self.retryInterval = retryInterval
            self.callerFlushes = callerFlushes
        }
    }

    /// What `open` found on disk.
    public struct Recovery: Sendable {
        /// The latest snapshot, if any; `records` follow it.
        public var snapshot: [UInt8]?
        public var records: [[UInt8]]
        /// Bytes of a torn last write that were cut off (written bytes, not the zeros written ahead).
        public var droppedBytes: Int
        /// Segments set aside (renamed `*.damaged`) because of damage.
        public var removedSegments: [String]
        /// Damage to durable data, found now or at an earlier open and not yet rebuilt: the
        /// records above are only the intact part, and the owner must rebuild the rest.
        public var damage: StorageDamage?
        /// The LSN the next append gets.
        public var nextLSN: UInt64 = 1

        public var description: String {
            "snapshot=\(snapshot.map { "\($0.count) bytes" } ?? "none") records=\(records.count) torn_bytes=\(droppedBytes)"
                + (removedSegments.isEmpty ? "" : " set_aside=\(removedSegments.joined(separator: ","))")
                + (damage.map { " damage=\"\($0)\"" } ?? "")
        }
    }

    enum Item: Sendable {
        case record([UInt8])
        /// Its bytes are the parts joined (on the snapshot thread, not the caller's).
        case snapshot([[UInt8]])
    }

    /// How a durability waiter is told: a suspended task, or a callback (no task at all).
    enum Wake: Sendable {
        case resume(CheckedContinuation<Void, any Error>)
        case call(@Sendable ((any Error)?) -> Void)

        func fire(_ error: (any Error)?) {
            switch self {
            case .resume(let continuation):
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            case .call(let callback):
                callback(error)
            }
        }
    }

    struct State: ~Copyable {
        var pending: [(lsn: UInt64, item: Item)] = []
        var nextLSN: UInt64 = 1
        var durableLSN: UInt64 = 0
        /// `inline`: the waiter lets an idle event loop flush on its own thread (see `sync`).
        var waiters: [(lsn: UInt64, wake: Wake, inline: Bool)] = []
        /// Set once closed or failed for good: everything fails.
        var failure: StorageError?
        /// The last write failed and is being retried: waiters fail at once, appends queue.
        var writeError: StorageError?
        var writeErrors = 0
        var closing = false
        /// Set once the flusher thread has stopped: nobody may write any more.
        var closed = false
        /// Some thread is writing a batch; only that thread touches the segments.
        var flushing = false
        /// Times an idle event loop flushed inline (tests).
        var inlineFlushes = 0
        var flusherIdle = false
        var fsyncs = 0
        var writes = 0
        var snapshotErrors = 0
        /// Chunks of zeros written ahead, and attempts that failed (`prewriteAhead`).
        var prewrites = 0
        var prewriteErrors = 0
    }

    public let directory: String
    public let options: Options
    let lock: DirectoryLock
    let state = Mutex(State())
    let wakeup = DispatchSemaphore(value: 0)
    let stopped = DispatchSemaphore(value: 0)
    /// Snapshot files are written here, in order, off the flushing thread.
    let snapshotQueue = DispatchQueue(label: "node-wal-snapshot")
    let snapshotWrites = DispatchGroup()
    let segments: SegmentWriter
    /// Sync latency and bytes written, for `/metrics`.
    public let figures = StorageFigures()

    private init(directory: String, options: Options, lock: DirectoryLock, segments: SegmentWriter, nextLSN: UInt64) {
        self.directory = directory
        self.options = options
        self.lock = lock
        self.segments = segments
        state.withLock { state in
            state.nextLSN = nextLSN
            state.durableLSN = nextLSN - 1
        }
    }

    /// Locks `directory`, recovers its contents and starts the flusher.
    public static func open(directory: String, options: Options = Options()) throws(StorageError) -> (WriteAheadLog, Recovery) {
        let lock = try DirectoryLock(directory: directory)
        let (segments, recovery) = try SegmentWriter.recover(directory: directory)
        let log = WriteAheadLog(directory: directory, options: options, lock: lock, segments: segments, nextLSN: recovery.nextLSN)
        let thread = Thread { log.flushLoop() }
        thread.name = "node-wal"
        thread.start()
        return (log, recovery)
    }

    /// Queues a record; returns its LSN. Records are written in the order of these calls.
    @discardableResult
    public func append(_ payload: [UInt8]) -> UInt64 {
        precondition(!payload.isEmpty, "write-ahead log records must not be empty")
        return enqueue(.record(payload))
    }

    /// Queues a snapshot of the state that the records so far produced: once written, replay
    /// starts from it and the segments before it are deleted. Returns its LSN, which is durable
    /// as soon as appending has moved to a new segment (the records the snapshot stands for stay
    /// on disk until the snapshot file replaces them, so nothing depends on when that happens).
    @discardableResult
    public func snapshot(_ state: [UInt8]) -> UInt64 {
        enqueue(.snapshot([state]))
    }

    /// `snapshot` of the parts joined: a caller whose snapshot is a small header and a large
    /// image already in memory saves copying tens of megabytes on its own thread.
    @discardableResult
    public func snapshot(parts: [[UInt8]]) -> UInt64 {
        enqueue(.snapshot(parts))
    }

    /// Waits until everything up to `lsn` is durable (per the policy). `inline` false: the
    /// flusher thread fsyncs rather than an idle event loop, which stays free to serve sockets
    /// (for a caller that may stop caring before the fsync ends).
    public func sync(upTo lsn: UInt64, inline: Bool = true) async throws {
        // Already durable (a read of settled data, most often): no suspension.
        let settled = state.withLock { state -> Result<Void, StorageError>? in
            if let failure = state.failure { return .failure(failure) }
            if state.durableLSN >= lsn { return .success(()) }
            return state.writeError.map { .failure($0) }
        }
        if let settled { return try settled.get() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            wait(upTo: lsn, inline: inline, .resume(continuation))
        }
    }

    /// Whether everything up to `lsn` is durable already (no waiting: for callers that must not
    /// leave their thread when there is nothing to wait for).
    public func isDurable(upTo lsn: UInt64) -> Bool {
        state.withLock { $0.failure == nil && $0.durableLSN >= lsn }
    }

    /// Like `sync`, but calls `done` (with the log's error, if any) instead of suspending a task:
    /// at once when already durable, otherwise on the thread that made it durable.
    public func whenDurable(upTo lsn: UInt64, inline: Bool = true, _ done: @escaping @Sendable ((any Error)?) -> Void) {
        wait(upTo: lsn, inline: inline, .call(done))
    }

    private func wait(upTo lsn: UInt64, inline: Bool, _ wake: Wake) {
        let outcome: Result<Void, StorageError>? = state.withLock { state in
            if let failure = state.failure { return .failure(failure) }
            if state.durableLSN >= lsn { return .success(()) }
            if let error = state.writeError { return .failure(error) }
            state.waiters.append((lsn, wake, inline))
            return nil
        }
        switch outcome {
        case .success: wake.fire(nil)
        case .failure(let failure): wake.fire(failure)
        case nil: break
        }
    }

    /// `append` then `sync`: for callers that do not need ordering across suspension points.
    public func appendAndSync(_ payload: [UInt8]) async throws {
        try await sync(upTo: append(payload))
    }

    /// Why the log cannot write now (a failed write being retried), or nil when it can.
    public var problem: StorageError? { state.withLock { $0.writeError } }
    /// Writes or fsyncs that failed so far.
    public var writeErrorCount: Int { state.withLock { $0.writeErrors } }

    /// Ends the damage report `open` gave (see `StorageDamage`): call once the state rebuilt from
    /// peers is durable in this log. Later opens report no damage.
    public func markRebuilt() throws(StorageError) {
        try SegmentWriter.clearDamage(directory)
    }

    /// Number of fsyncs so far (tests check group commit with it).
    public var fsyncCount: Int { state.withLock { $0.fsyncs } }
    /// Chunks of zeros written ahead of the log's end so far (tests).
    public var prewriteCount: Int { state.withLock { $0.prewrites } }
    /// Number of write batches so far.
    public var writeCount: Int { state.withLock { $0.writes } }

    /// Flushes what is queued, stops the flusher and releases the directory lock.
    public func close() {
        let (wake, already) = state.withLock { state -> (Bool, Bool) in
            let already = state.closing
            state.closing = true
            defer { state.flusherIdle = false }
            return (state.flusherIdle, already)
        }
        if already { return }
        if wake { wakeup.signal() }
        stopped.wait()
        snapshotWrites.wait()
        lock.release()
    }

    /// Whether appends from the calling thread are left for it to flush (see `Options.callerFlushes`).
    var callerFlushes: Bool {
        options.fsync != .batch && options.callerFlushes?() == true
    }

    private func enqueue(_ item: Item) -> UInt64 {
        let callerFlushes = self.callerFlushes
        let (lsn, wake) = state.withLock { state -> (UInt64, Bool) in
            let lsn = state.nextLSN
            state.nextLSN += 1
            state.pending.append((lsn, item))
            guard !callerFlushes || state.closing else { return (lsn, false) }
            defer { state.flusherIdle = false }
            return (lsn, state.flusherIdle)
        }
        if wake { wakeup.signal() }
        return lsn
    }
}
