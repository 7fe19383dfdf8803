public import RegisterCore
import Replication
import Storage
import Synchronization

extension ReplicaState {
    /// A coordinator's own copy of an entry it offers, logged before the round so that its fsync
    /// overlaps with the peers', but not shown until the round allows (see `OfferRound`).
    public struct PreparedEntry: Sendable {
        public let key: String
        public let entry: Entry
        let lsn: UInt64
    }

    /// Logs `entry` without storing it: queries, offers and anti-entropy do not see it until
    /// `reveal`. A crash replays it like any record, which the offer round allows: a write that
    /// was refused by every peer is below what they all hold.
    public func prepare(_ key: String, _ entry: Entry) -> PreparedEntry {
        state.withLock { state in
            guard log != nil else { return PreparedEntry(key: key, entry: entry, lsn: 0) }
            let lsn = state.records.append(Record.bytes(key: key, entry: entry))
            state.replica.prepare(key, entry)
            return PreparedEntry(key: key, entry: entry, lsn: lsn)
        }
    }

    /// Calls `done` (with the log's error, if any) once the prepared record is durable, the log's
    /// thread doing the fsync; at once without a log.
    public func whenDurable(_ prepared: PreparedEntry, _ done: @escaping @Sendable ((any Error)?) -> Void) {
        guard let log, prepared.lsn > 0 else { return done(nil) }
        log.whenDurable(upTo: prepared.lsn, inline: false, done)
    }

    /// Stores the prepared entry if newer (no new record: the prepared one makes it durable).
    public func reveal(_ prepared: PreparedEntry) {
        state.withLock { state in
            if state.replica.reveal(prepared.key, prepared.entry), prepared.lsn > 0 { state.lsnOf[prepared.key] = prepared.lsn }
        }
    }

    /// Drops a prepared entry the round did not complete (its record stays in the log).
    public func abandon(_ prepared: PreparedEntry) {
        state.withLock { $0.replica.abandon(prepared.entry.version) }
    }
}
