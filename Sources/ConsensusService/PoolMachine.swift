import JSON
public import ConsensusCore
public import ReplicatedLog
import Synchronization

/// The voting pools as a replicated state machine: a `PoolBook` that every replica changes only
/// by applying committed `PoolCommand`s, in log order.
///
/// Guarantees: `apply` is deterministic (the command carries time and tokens), so every replica
/// holds the same pools, etags included, and returns the same output; a command is checked and
/// applied in one step (an etag check and its update are atomic); `read` sees a state that
/// includes every applied command and nothing else. Limits are this replica's configuration
/// (every replica must run with the same), not part of the replicated state.
public final class PoolMachine: ReplicatedStateMachine {
    let book: Mutex<PoolBook>
    public let limits: PoolBook.Limits

    public init(limits: PoolBook.Limits = .init()) {
        self.limits = limits
        book = Mutex(PoolBook(limits: limits))
    }

    /// Reads the pools as applied so far.
    public func read<T>(_ body: (borrowing PoolBook) -> T) -> T {
        book.withLock { body($0) }
    }

    public func apply(_ command: PoolCommand, index: UInt64) -> PoolOutput {
        book.withLock { book in Self.apply(command, to: &book) }
    }

    static func apply(_ command: PoolCommand, to book: inout PoolBook) -> PoolOutput {
        func done(_ id: String, events: [PoolEvent], token: String? = nil) -> PoolOutput {
            for event in events { book.apply(event) }
            guard let pool = book.pools[id] else { return .rejected(.notFound("no pool \"\(id)\""), current: nil) }
            return .pool(pool, token: token)
        }
        switch command {
        case .create(let poolId, let size, let low, let high, let ttl, let now):
            switch book.create(poolID: poolId, size: size, minValue: low, maxValue: high, ttlSeconds: ttl, now: now) {
            case .success(let event): return done(event.poolID, events: [event])
            case .failure(let rejection): return .rejected(rejection, current: nil)
            }
        case .join(let member, let poolId, let token, let principal, let newToken, let now):
            switch book.join(member: member, poolID: poolId, presentedToken: token, principal: principal, newToken: newToken, now: now) {
            case .success(let decision): return done(decision.poolID, events: decision.events, token: decision.token)
            case .failure(let rejection): return .rejected(rejection, current: nil)
            }
        case .vote(let poolId, let member, let token, let principal, let round, let value, let etag, let now):
            switch book.vote(poolID: poolId, member: member, presentedToken: token, principal: principal, round: round,
                             value: value, etag: etag, now: now) {
            case .success(let event): return done(poolId, events: event.map { [$0] } ?? [])
            case .failure(let rejection): return .rejected(rejection, current: book.pools[poolId])
            }
        case .leave(let poolId, let member, let token, let principal, let now):
            switch book.leave(poolID: poolId, member: member, presentedToken: token, principal: principal, now: now) {
            case .success(let event): return done(poolId, events: [event])
            case .failure(let rejection): return .rejected(rejection, current: nil)
            }
        case .expire(let now):
            let events = book.expire(now: now)
            for event in events { book.apply(event) }
            return .expired(events.map(\.poolID))
        }
    }

    public static var admitsByContent: Bool { true }

    /// A vote waits behind pending changes to its pool, and one whose etag the pool has already
    /// passed is refused at once with the pool as applied: etags only grow, so applying it could
    /// only refuse it too (and a refused vote changes nothing). Other commands on a pool hold up
    /// the votes behind them.
    public func admission(of command: PoolCommand) -> LogAdmission<PoolOutput> {
        switch command {
        case .vote(let poolId, let member, let token, let principal, let round, let value, let etag, let now):
            let refusal: PoolOutput? = book.withLock { book in
                guard case .failure(let rejection) = book.vote(poolID: poolId, member: member, presentedToken: token, principal: principal,
                                                               round: round, value: value, etag: etag, now: now),
                      case .stale = rejection, let pool = book.pools[poolId],
                      let seen = ConsensusNode.version(ofETag: etag), seen < pool.version else { return nil }
                return .rejected(rejection, current: pool)
            }
            return refusal.map { .answer($0) } ?? .proposeAfter(key: poolId)
        case .join(_, let poolId?, _, _, _, _), .leave(let poolId, _, _, _, _), .create(let poolId?, _, _, _, _, _):
            return .propose(touching: poolId)
        case .join, .create, .expire:
            return .propose(touching: nil)
        }
    }

    public func snapshot() -> @Sendable () throws -> [UInt8] {
        let copy = book.withLock { $0 }
        return { try JSONValueEncoder.bytes(copy) }
    }

    public func restore(_ data: [UInt8]) throws {
        var restored = try JSONValueDecoder.decode(PoolBook.self, from: data)
        restored.limits = limits
        book.withLock { $0 = restored }
    }
}
