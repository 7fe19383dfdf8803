import JSON
import Foundation
public import BulletinCore
public import Storage
import Replication
import Synchronization

/// This replica's board, made durable through the write-ahead log (quorum and
/// read-your-writes modes) or fed by the replicated log (sequential mode).
///
/// Guarantees: `accept` and `store` return only once what they added is durable (per the fsync
/// policy); watchers see every item added after they subscribed, exactly once, and only once it
/// is durable here (a crash cannot take back what a watcher was shown); `wait(for:)` returns
/// true as soon as the board includes the vector.
public final class BulletinReplica: Sendable {
    struct State: ~Copyable {
        var board = Bulletin()
        /// Quorum and read-your-writes modes: every item a record, the board's image when
        /// `DurableRecords` says (sequential mode has no log of its own here).
        var records: DurableRecords
        /// Each watcher's feed: the items added, with the log position that makes each durable.
        var watchers: [Int: AsyncStream<(item: BulletinItem, lsn: UInt64)>.Continuation] = [:]
        var waiters: [Int: (vector: VersionVector, resume: CheckedContinuation<Bool, Never>)] = [:]
        var nextToken = 0
        /// Sequential-mode snapshots grow by increments: the encoded items with ids up to
        /// `imagedThrough`, and which board they belong to (a restore starts a new one).
        var imaged = ImageCache()
        /// Quorum and read-your-writes modes: items added since the last image of the log, in
        /// the order added (the next image encodes only these; `imaged` holds the rest encoded).
        var unimaged: [BulletinItem] = []
    }

    struct ImageCache {
        var items: [UInt8] = []
        var count = 0
        var through: Int64 = 0
        var generation = 0
    }

    let log: WriteAheadLog?
    public let origin: String
    let nodeIndex: Int64
    private let state: Mutex<State>

    /// - Parameter snapshotEvery: the fewest items logged between images of the board (quorum and
    ///   read-your-writes modes; see `DurableRecords`; the log's older segments go after each image).
    public init(origin: String, nodeIndex: Int, log: WriteAheadLog?, recovery: WriteAheadLog.Recovery? = nil,
                snapshotEvery: Int = 100_000) throws {
        self.origin = origin
        self.nodeIndex = Int64(nodeIndex & 0xFF)
        self.log = log
        var board = Bulletin()
        if let recovery {
            if let image = recovery.snapshot { board = Bulletin(image: try Bulletin.Image(encoded: image)) }
            for bytes in recovery.records { board.insert(try JSONValueDecoder.decode(BulletinItem.self, from: bytes)) }
        }
        var initial = State(board: board, records: DurableRecords(log: log, snapshotEvery: snapshotEvery))
        if log != nil { initial.unimaged = Array(board.items(after: 0)) }
        state = Mutex(initial)
    }

    /// Gives `draft` an id and this replica's next sequence number and stores it (or returns
    /// the item an earlier request with the same id produced), once durable.
    public func accept(_ draft: BulletinDraft) async throws -> BulletinItem {
        let (item, lsn) = try prepare(draft)
        try await durable(lsn)
        return item
    }

    /// `accept` without waiting: the item and the log position to wait for with `durable`
    /// (so a coordinator can send the item to its peers while its own copy reaches the disk).
    public func prepare(_ draft: BulletinDraft) throws -> (BulletinItem, UInt64) {
        try state.withLock { state -> (BulletinItem, UInt64) in
            if let requestId = draft.requestId, let earlier = state.board.item(requestId: requestId) { return (earlier, state.records.lastLSN) }
            let counter = max(draft.createdAtMs, (state.board.maxID >> 8) + 1)
            let item = draft.item(id: counter << 8 | nodeIndex, origin: origin, seq: state.board.lastSeq(origin) + 1)
            _ = try add(item, &state)  // a fresh id: always inserted
            let lsn = state.records.lastLSN
            snapshotIfDue(&state)
            return (item, lsn)
        }
    }

    /// Waits until the log is durable up to `lsn`.
    public func durable(_ lsn: UInt64) async throws {
        if let log, lsn > 0 { try await log.sync(upTo: lsn) }
    }

    /// Stores the items not held yet; returns how many, once durable.
    @discardableResult
    public func store(_ items: [BulletinItem]) async throws -> Int {
        let (stored, lsn) = try state.withLock { state -> (Int, UInt64) in
            var stored = 0
            for item in items where try add(item, &state) { stored += 1 }
            let lsn = state.records.lastLSN
            snapshotIfDue(&state)
            return (stored, lsn)
        }
        if let log, stored > 0 { try await log.sync(upTo: lsn) }
        return stored
    }

    /// Adds an item without logging it (sequential mode: the replicated log is the log).
    @discardableResult
    public func apply(_ item: BulletinItem) -> Bool {
        (try? state.withLock { try add(item, &$0) }) ?? false
    }

    private func add(_ item: BulletinItem, _ state: inout State) throws -> Bool {
        guard state.board.insert(item) else { return false }
        var lsn: UInt64 = 0
        if log != nil {
            lsn = state.records.append(try JSONValueEncoder.bytes(item))
            state.unimaged.append(item)
        }
        for watcher in state.watchers.values { watcher.yield((item, lsn)) }
        if !state.waiters.isEmpty {
            let vector = state.board.vector
            for (token, waiter) in state.waiters where vector.includes(waiter.vector) {
                state.waiters[token] = nil
                waiter.resume.resume(returning: true)
            }
        }
        return true
    }

    /// An image of the board replaces the records before it, when due. Only the items added
    /// since the last image are encoded (the rest are reused encoded), so the replica's lock is
    /// held for a copy of the earlier image's bytes, not for encoding the whole board.
    private func snapshotIfDue(_ state: inout State) {
        guard state.records.isSnapshotDue else { return }
        let built = state.board.image(of: state.unimaged).encoded(after: state.imaged.items, itemCount: state.imaged.count)
        state.records.snapshotIfDue(size: state.board.count) { built.image }
        state.imaged.items = built.items
        state.imaged.count = built.itemCount
        state.unimaged = []
    }

    /// Reads the board.
    public func read<T>(_ body: (borrowing Bulletin) -> T) -> T {
        state.withLock { body($0.board) }
    }

    /// Reads the board, answering once everything the read could show is durable (the log up to
    /// where it was when read): a reader never sees an item that a crash could take back, such
    /// as a quorum-mode post whose coordinator has not synced it yet.
    /// Runs on the caller's executor (an event loop stays on its thread) and waits only when
    /// something it shows is not durable yet.
    nonisolated(nonsending) public func readDurably<T>(_ body: (borrowing Bulletin) -> T) async throws -> T {
        let (value, lsn) = state.withLock { state in (body(state.board), state.records.lastLSN) }
        if let log, lsn > 0, !log.isDurable(upTo: lsn) { try await log.sync(upTo: lsn) }
        return value
    }

    /// The board as it is now (copy-on-write: cheap until either changes).
    public func copyOfBulletin() -> Bulletin {
        state.withLock { $0.board }
    }

    /// The request for a sequential-mode snapshot image: what changed since the last image (read
    /// here, in time proportional to the change) and the encoded items of the last image.
    func imageIncrement() -> (increment: Bulletin.Image, cache: ImageCache) {
        state.withLock { state in (state.board.imageIncrement(after: state.imaged.through), state.imaged) }
    }

    /// Keeps the encoded items of an image just built, unless the board was replaced meanwhile.
    func keepImage(_ cache: ImageCache) {
        state.withLock { state in
            if state.imaged.generation == cache.generation, cache.through > state.imaged.through { state.imaged = cache }
        }
    }

    /// Replaces the whole board (a snapshot from the sequential mode's leader): watchers get the
    /// items that are new to them, in id order, and session waiters are re-checked.
    public func replace(with board: Bulletin) {
        state.withLock { state in
            let before = state.board
            state.board = board
            state.imaged = ImageCache(generation: state.imaged.generation + 1)
            if !state.watchers.isEmpty {
                for item in board.items(after: 0) where before.item(item.id) == nil {
                    for watcher in state.watchers.values { watcher.yield((item, 0)) }
                }
            }
            let vector = board.vector
            for (token, waiter) in state.waiters where vector.includes(waiter.vector) {
                state.waiters[token] = nil
                waiter.resume.resume(returning: true)
            }
        }
    }

    public var vector: VersionVector { read { $0.vector } }

    /// Items above `afterId` now, then every item added, until the stream is dropped. Each comes
    /// once the log holds it durably (an item is shown as soon as it is added, but a crash before
    /// its fsync would take it back); if the log fails, the stream ends instead.
    public func watch(after afterId: Int64) -> AsyncStream<BulletinItem> {
        let (added, feed) = AsyncStream<(item: BulletinItem, lsn: UInt64)>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let token = state.withLock { state -> Int in
            // The items there now are durable up to the log's end at most.
            let lsn = state.records.lastLSN
            for item in state.board.items(after: afterId) { feed.yield((item, lsn)) }
            state.nextToken += 1
            state.watchers[state.nextToken] = feed
            return state.nextToken
        }
        feed.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.watchers.removeValue(forKey: token) } }
        let (stream, continuation) = AsyncStream<BulletinItem>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let durable = log
        // Items come in log order, so waiting for each in turn keeps the order.
        let relay = Task {
            for await (item, lsn) in added {
                if let log = durable, lsn > 0, !log.isDurable(upTo: lsn) {
                    do { try await log.sync(upTo: lsn) } catch { break }
                }
                continuation.yield(item)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in relay.cancel() }
        return stream
    }

    /// Waits until the board includes `vector`, at most `timeout` (or until the calling task is
    /// cancelled, e.g. at its RPC deadline); false when it did not.
    public func wait(for vector: VersionVector, timeout: Duration) async -> Bool {
        let token = state.withLock { state -> Int in
            state.nextToken += 1
            return state.nextToken
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let waiting = state.withLock { state -> Bool in
                    if state.board.vector.includes(vector) || Task.isCancelled { return false }
                    state.waiters[token] = (vector, continuation)
                    return true
                }
                guard waiting else {
                    continuation.resume(returning: vector.isEmpty || self.vector.includes(vector))
                    return
                }
                Task {
                    try? await Task.sleep(for: timeout)
                    self.giveUp(token)
                }
            }
        } onCancel: {
            giveUp(token)
        }
    }

    private func giveUp(_ token: Int) {
        state.withLock { state in state.waiters.removeValue(forKey: token)?.resume.resume(returning: false) }
    }
}
