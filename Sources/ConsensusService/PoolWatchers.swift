import ConsensusCore
import Synchronization

/// The streams watching pools on this replica, fed as committed commands apply.
///
/// Guarantees: a watcher is sent a pool state only if its version is newer than the last it was
/// sent (whichever path — the first read or an apply — gets there first), so it sees versions in
/// increasing order, each at most once; a closed or removed pool ends its watchers' streams.
/// No lock is held across two watchers' streams: a stream is fed under its own watcher's lock
/// only, while its termination handler takes only the registry's lock (a stream being cancelled
/// holds its task's lock and then needs ours, so feeding one under the registry's lock deadlocks).
final class PoolWatchers: Sendable {
    typealias Continuation = AsyncThrowingStream<VotingPool, any Error>.Continuation

    /// One stream and the newest version it was sent.
    final class Watcher: Sendable {
        let continuation: Continuation
        let state: Mutex<(sent: UInt64, finished: Bool)>

        init(_ continuation: Continuation, sent: UInt64) {
            self.continuation = continuation
            state = Mutex((sent, false))
        }

        /// Sends `pool` if it is newer than what was sent; ends the stream when the pool is gone
        /// or closed.
        func offer(_ pool: VotingPool?) {
            let end = state.withLock { state -> Bool in
                guard !state.finished else { return false }
                guard let pool else {
                    state.finished = true
                    return true
                }
                guard pool.version > state.sent else { return false }
                state.sent = pool.version
                continuation.yield(pool)
                if pool.closed { state.finished = true }
                return pool.closed
            }
            if end { continuation.finish() }
        }
    }

    struct Registry: ~Copyable {
        var watchers: [String: [Int: Watcher]] = [:]
        var next = 0
    }

    private let registry = Mutex(Registry())

    /// Registers a watcher of `id` that has seen versions up to `sent`; returns it and its token.
    func add(_ id: String, _ continuation: Continuation, sent: UInt64) -> (Watcher, Int) {
        let watcher = Watcher(continuation, sent: sent)
        let token = registry.withLock { registry in
            registry.next += 1
            registry.watchers[id, default: [:]][registry.next] = watcher
            return registry.next
        }
        return (watcher, token)
    }

    func remove(_ id: String, _ token: Int) {
        registry.withLock { registry in
            registry.watchers[id]?[token] = nil
            if registry.watchers[id]?.isEmpty == true { registry.watchers[id] = nil }
        }
    }

    var watchedIDs: [String] { registry.withLock { Array($0.watchers.keys) } }

    /// Sends `pool` (nil: removed) to the watchers of `id` that have not seen it.
    func notify(_ id: String, _ pool: VotingPool?) {
        let watchers = registry.withLock { registry -> [Watcher] in
            let found = registry.watchers[id].map { Array($0.values) } ?? []
            if pool == nil || pool?.closed == true { registry.watchers[id] = nil }
            return found
        }
        for watcher in watchers { watcher.offer(pool) }
    }
}
