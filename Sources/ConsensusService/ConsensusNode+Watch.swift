public import ConsensusCore
import RPC

extension ConsensusNode {
    /// The pool now (unless its etag is `afterEtag`) and after every change, until it closes or is removed.
    public func watch(_ id: String, afterEtag: String?) async throws -> AsyncThrowingStream<VotingPool, any Error> {
        let current = try await get(id)
        let (stream, continuation) = AsyncThrowingStream<VotingPool, any Error>.makeStream(bufferingPolicy: .bufferingNewest(64))
        if current.etag != afterEtag.map(Self.quoted) {
            continuation.yield(current)
            if current.closed {
                continuation.finish()
                return stream
            }
        }
        let watcher = nextWatcher
        nextWatcher += 1
        watchers[id, default: [:]][watcher] = continuation
        sentVersion[watcher] = current.version
        continuation.onTermination = { _ in Task { await self.stopWatching(id, watcher) } }
        return stream
    }

    func stopWatching(_ id: String, _ watcher: Int) {
        watchers[id]?[watcher] = nil
        if watchers[id]?.isEmpty == true { watchers[id] = nil }
        sentVersion[watcher] = nil
    }

    /// Sends a durable pool state to its watchers (never an older version than one already sent).
    func notify(_ id: String, _ pool: VotingPool?) {
        guard let subscribers = watchers[id] else { return }
        for (watcher, continuation) in subscribers {
            guard let pool else {
                continuation.finish()
                continue
            }
            guard pool.version > sentVersion[watcher] ?? 0 else { continue }
            sentVersion[watcher] = pool.version
            continuation.yield(pool)
            if pool.closed { continuation.finish() }
        }
        if pool == nil || pool?.closed == true { watchers[id] = nil }
    }

    static func quoted(_ etag: String) -> String {
        etag.hasPrefix("\"") ? etag : "\"\(etag)\""
    }
}
