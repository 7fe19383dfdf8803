public import RegisterCore
import Replication
import Storage
import Synchronization

extension ReplicaState {
    /// `query` of one key for a caller that is not a task (the coordinator's loop): `done` runs
    /// once the entry it reports is durable — at once when it already is, otherwise on the thread
    /// that made it so.
    public func query(_ key: String, _ done: @escaping @Sendable (Result<Entry?, any Error>) -> Void) {
        let (entry, lsn) = state.withLock { state in (state.replica.store.read(key), state.lsnOf[key] ?? 0) }
        guard let log, lsn > 0 else { return done(.success(entry)) }
        log.whenDurable(upTo: lsn) { error in done(error.map { .failure($0) } ?? .success(entry)) }
    }

    /// `store` of one entry for a caller that is not a task: `done` runs (with the error, if any)
    /// once the entry, or the newer one kept instead, is durable.
    public func store(_ key: String, _ entry: Entry, _ done: @escaping @Sendable ((any Error)?) -> Void) {
        let logged = Result<UInt64, any Error> { try keep(CollectionOfOne((key, entry))).lsn }
        switch logged {
        case .failure(let error):
            done(error)
        case .success(let lsn):
            guard let log, lsn > 0 else { return done(nil) }
            log.whenDurable(upTo: lsn, done)
        }
    }
}
