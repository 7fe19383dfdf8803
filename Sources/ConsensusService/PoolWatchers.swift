public import ConsensusCore
import Synchronization

/// The streams watching pools on this replica, fed as committed commands apply.
///
/// Guarantees: a watcher is sent a pool state only if its version is newer than the last it was
/// sent (whichever path — the first read or an apply — gets there first), so it sees versions in
/// increasing order, each at most once; a closed or removed pool ends its watchers' streams.
final class PoolWatchers: Sendable {
    typealias Continuation = AsyncThrowingStream<VotingPool, any Error>.Continuation

    struct State: ~Copyable {
        var watchers: [String: [Int: (continuation: Continuation, sent: UInt64)]] = [:]
        var next = 0
    }

    private let state = Mutex(State())

    /// Registers a watcher of `id` that has seen versions up to `sent`; returns its token.
    func add(_ id: String, _ continuation: Continuation, sent: UInt64) -> Int {
        state.withLock { state in
            state.next += 1
            state.watchers[id, default: [:]][state.next] = (continuation, sent)
            return state.next
        }
    }

    func remove(_ id: String, _ token: Int) {
        state.withLock { state in
            state.watchers[id]?[token] = nil
            if state.watchers[id]?.isEmpty == true { state.watchers[id] = nil }
        }
    }

    var watchedIDs: [String] { state.withLock { Array($0.watchers.keys) } }

    /// Sends `pool` (nil: removed) to the watchers of `id` that have not seen it. Yields happen
    /// under the lock (so concurrent notifications keep versions in order); finishing happens
    /// after it (a stream's termination handler removes its watcher, which takes the lock).
    func notify(_ id: String, _ pool: VotingPool?) {
        let ended = state.withLock { state -> [Continuation] in
            guard let subscribers = state.watchers[id] else { return [] }
            var ended: [Continuation] = []
            for (token, watcher) in subscribers {
                guard let pool else {
                    ended.append(watcher.continuation)
                    continue
                }
                guard pool.version > watcher.sent else { continue }
                state.watchers[id]?[token]?.sent = pool.version
                watcher.continuation.yield(pool)
                if pool.closed { ended.append(watcher.continuation) }
            }
            if pool == nil || pool?.closed == true { state.watchers[id] = nil }
            return ended
        }
        for continuation in ended { continuation.finish() }
    }
}
