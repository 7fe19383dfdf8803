import JSON
import Foundation
public import Cluster
public import RegisterCore
import Replication
public import Storage
import Synchronization

/// This node's replica: the `ReplicaStore`, made durable through the write-ahead log.
///
/// Guarantees: `store` returns only once the entries it stored are durable (per the fsync
/// policy); `query` returns only durable entries (it waits for the log to catch up with what it
/// shows), so nothing a replica reported can be lost by its crash. When recovery found the log
/// damaged, `rebuild` holds the replica out of every quorum until `AntiEntropy.rebuild` has
/// pulled what a majority of its peers hold.
public final class ReplicaState: Sendable {
    /// One stored entry in the log: `{"k":key,"c":counter,"w":writer,"v":value}` (no `v`: a
    /// tombstone).
    struct Record: Codable {
        var k: String
        var c: UInt64
        var w: String
        var v: String?

        /// The record's JSON, written directly (this is on every store's path).
        static func bytes(key: String, entry: Entry) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(key.utf8.count + (entry.value?.utf8.count ?? 0) + entry.version.writer.utf8.count + 40)
            out.append(contentsOf: #"{"k":"#.utf8)
            JSONWriter.writeString(key, into: &out)
            out.append(contentsOf: #","c":"#.utf8)
            out.append(contentsOf: String(entry.version.counter).utf8)
            out.append(contentsOf: #","w":"#.utf8)
            JSONWriter.writeString(entry.version.writer, into: &out)
            if let value = entry.value {
                out.append(contentsOf: #","v":"#.utf8)
                JSONWriter.writeString(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
            return out
        }
    }

    struct State: ~Copyable {
        /// The entries, what they replaced, and the prepared ones (see `RegisterReplica`).
        var replica: RegisterReplica
        /// The log, with a snapshot of the store every `snapshotEvery` records.
        var records: DurableRecords
        /// The log position that made each key's entry durable (absent: durable since recovery).
        var lsnOf: [String: UInt64] = [:]
    }

    /// How many replaced versions `offer` remembers; an offer repeated after that many more
    /// replacements (a retry seconds later under heavy load) is answered `newer` without the
    /// vouching, which the coordinator treats like no answer.
    static let replacedMemory = RegisterReplica.defaultReplacedMemory

    let log: WriteAheadLog?
    let state: Mutex<State>
    /// Open unless recovery found damage that is not rebuilt yet.
    public let rebuild: StorageRebuild

    public init(log: WriteAheadLog?, recovery: WriteAheadLog.Recovery? = nil, snapshotEvery: Int = 200_000) throws {
        self.log = log
        rebuild = StorageRebuild(log: log, damage: recovery?.damage)
        var replica = RegisterReplica()
        if let recovery {
            // What the image's entries replaced is not known any more.
            if let snapshot = recovery.snapshot {
                replica = RegisterReplica(restoring: try JSONValueDecoder.decode(ReplicaStore.self, from: snapshot))
            }
            for bytes in recovery.records {
                let record = try JSONValueDecoder.decode(Record.self, from: bytes)
                _ = replica.keep(record.k, Entry(version: Version(counter: record.c, writer: record.w), value: record.v))
            }
        }
        let recovered = State(replica: replica, records: DurableRecords(log: log, snapshotEvery: snapshotEvery))
        state = Mutex(recovered)
    }

    /// After a rebuild: what these entries replaced may have been in the lost part of the log,
    /// so offers at or below them are not vouched for (as after a snapshot).
    public func forgetReplacedVersions() {
        state.withLock { $0.replica.forgetReplacedVersions() }
    }

    /// The stored entries of `keys` (nil where nothing is stored), once those entries are durable.
    public func query(_ keys: [String]) async throws -> [Entry?] {
        let (entries, lsn) = state.withLock { state in
            (keys.map { state.replica.store.read($0) }, keys.reduce(UInt64(0)) { max($0, state.lsnOf[$1] ?? 0) })
        }
        if let log, lsn > 0 { try await log.sync(upTo: lsn) }
        return entries
    }

    /// Stores the entries that are newer than what is stored; returns how many, once durable.
    @discardableResult
    public func store(_ items: [(String, Entry)]) async throws -> Int {
        let (stored, lsn) = try keep(items)
        if let log, lsn > 0 { try await log.sync(upTo: lsn) }
        return stored
    }

    /// Stores the newer of `items` and logs them; returns how many, and the log position that
    /// makes them (and whatever newer entry was kept instead) durable.
    func keep(_ items: some Sequence<(String, Entry)>) throws -> (stored: Int, lsn: UInt64) {
        try state.withLock { state -> (Int, UInt64) in
            var stored = 0
            for (key, entry) in items where apply(key, entry, to: &state) { stored += 1 }
            try snapshotIfDue(&state)
            return (stored, state.records.lastLSN)
        }
    }

    /// A one-round write's offer (see `OfferRound`): stores each entry unless a newer version is
    /// stored, and answers for each whether this replica holds or held that very entry, or else
    /// the newer version it holds (`newerUnvouched` when it may have held the entry and forgotten
    /// that). Answers once what they report is durable, so a crash cannot take back a `held` or
    /// lower a `newer`.
    public func offer(_ items: [(String, Entry)]) async throws -> [OfferRound.Answer] {
        let (answers, lsn) = try state.withLock { state -> ([OfferRound.Answer], UInt64) in
            var lsn: UInt64 = 0
            let answers = items.map { key, entry -> OfferRound.Answer in
                let (stored, answer) = state.replica.offer(key, entry)
                if stored { logStored(key, entry, in: &state) }
                lsn = max(lsn, state.lsnOf[key] ?? 0)
                return answer
            }
            try snapshotIfDue(&state)
            return (answers, lsn)
        }
        if let log, lsn > 0 { try await log.sync(upTo: lsn) }
        return answers
    }

    /// Stores `entry` if newer, logging it and remembering the version it replaced.
    func apply(_ key: String, _ entry: Entry, to state: inout State) -> Bool {
        guard state.replica.keep(key, entry) else { return false }
        logStored(key, entry, in: &state)
        return true
    }

    /// Logs an entry just stored.
    func logStored(_ key: String, _ entry: Entry, in state: inout State) {
        if log != nil { state.lsnOf[key] = state.records.append(Record.bytes(key: key, entry: entry)) }
    }

    func snapshotIfDue(_ state: inout State) throws {
        // The snapshot replaces the records before it, prepared ones included.
        guard state.records.isSnapshotDue else { return }
        let replica = state.replica
        try state.records.snapshotIfDue(size: replica.store.count) { try JSONValueEncoder.bytes(replica.image) }
    }

    /// The stored entry without waiting for durability (ReadLocal, tests).
    public func read(_ key: String) -> Entry? { state.withLock { $0.replica.store.read(key) } }
    public var digest: [String: Version] { state.withLock { $0.replica.store.digest } }
    public func newer(than digest: [String: Version]) -> [String: Entry] { state.withLock { $0.replica.store.newer(than: digest) } }
    public func behind(_ digest: [String: Version]) -> [String] { state.withLock { $0.replica.store.behind(digest) } }
    public var keyCount: Int { state.withLock { $0.replica.store.count } }
}
