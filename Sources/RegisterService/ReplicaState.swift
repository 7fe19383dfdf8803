import JSON
import Foundation
public import RegisterCore
public import Storage
import Synchronization

/// This node's replica: the `ReplicaStore`, made durable through the write-ahead log.
///
/// Guarantees: `store` returns only once the entries it stored are durable (per the fsync
/// policy); `query` returns only durable entries (it waits for the log to catch up with what it
/// shows), so nothing a replica reported can be lost by its crash.
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
        var store = ReplicaStore()
        var lastLSN: UInt64 = 0
        /// The log position that made each key's entry durable (absent: durable since recovery).
        var lsnOf: [String: UInt64] = [:]
        var sinceSnapshot = 0
    }

    let log: WriteAheadLog?
    let snapshotEvery: Int
    private let state: Mutex<State>

    public init(log: WriteAheadLog?, recovery: WriteAheadLog.Recovery? = nil, snapshotEvery: Int = 200_000) throws {
        self.log = log
        self.snapshotEvery = snapshotEvery
        var store = ReplicaStore()
        if let recovery {
            if let snapshot = recovery.snapshot { store = try JSONValueDecoder.decode(ReplicaStore.self, from: snapshot) }
            for bytes in recovery.records {
                let record = try JSONValueDecoder.decode(Record.self, from: bytes)
                store.store(record.k, Entry(version: Version(counter: record.c, writer: record.w), value: record.v))
            }
        }
        state = Mutex(State(store: store))
    }

    /// The stored entries of `keys` (nil where nothing is stored), once those entries are durable.
    public func query(_ keys: [String]) async throws -> [Entry?] {
        let (entries, lsn) = state.withLock { state in
            (keys.map { state.store.read($0) }, keys.reduce(UInt64(0)) { max($0, state.lsnOf[$1] ?? 0) })
        }
        if let log, lsn > 0 { try await log.sync(upTo: lsn) }
        return entries
    }

    /// Stores the entries that are newer than what is stored; returns how many, once durable.
    @discardableResult
    public func store(_ items: [(String, Entry)]) async throws -> Int {
        let (stored, lsn) = try state.withLock { state -> (Int, UInt64) in
            var stored = 0
            for (key, entry) in items where state.store.store(key, entry) {
                stored += 1
                if let log {
                    state.lastLSN = log.append(Record.bytes(key: key, entry: entry))
                    state.lsnOf[key] = state.lastLSN
                    state.sinceSnapshot += 1
                }
            }
            if let log, state.sinceSnapshot >= snapshotEvery {
                state.lastLSN = log.snapshot(try JSONValueEncoder.bytes(state.store))
                state.sinceSnapshot = 0
            }
            return (stored, state.lastLSN)
        }
        if let log, lsn > 0 { try await log.sync(upTo: lsn) }
        return stored
    }

    /// The stored entry without waiting for durability (ReadLocal, tests).
    public func read(_ key: String) -> Entry? { state.withLock { $0.store.read(key) } }
    public var digest: [String: Version] { state.withLock { $0.store.digest } }
    public func newer(than digest: [String: Version]) -> [String: Entry] { state.withLock { $0.store.newer(than: digest) } }
    public func behind(_ digest: [String: Version]) -> [String] { state.withLock { $0.store.behind(digest) } }
    public var keyCount: Int { state.withLock { $0.store.count } }
}
