public import Cluster
public import ConsensusCore
import Foundation
public import LogReplica
public import RPC
public import Storage

/// The consensus role's state: the voting pools (`PoolMachine`) on a replicated log across the
/// cluster's replicas, so any minority may fail.
///
/// Guarantees: every change is a command committed on a majority (durable there) before it
/// takes effect or is answered, and applies identically on every replica (time and generated
/// tokens are chosen by the replica that proposes it); an etag check and its update are one
/// step of the log, so of several votes with the same etag exactly one counts; reads (`get`,
/// `list`, the first message of `watch`) are linearizable at any replica; watchers see a pool's
/// states as committed commands apply there, in order. Pool expiry is proposed by the leader and
/// goes through the log, so every replica expires the same pools at the same point.
public final class ConsensusNode: Sendable {
    public let log: LogReplica<PoolMachine>
    public let machine: PoolMachine
    let logger: Logger
    let clock: @Sendable () -> Int64
    let newToken: @Sendable () -> String
    let watchers = PoolWatchers()

    /// - Parameters:
    ///   - membership: the replicas (a single one by default).
    ///   - log, recovery: where commands go and what was there when opened; nil keeps state in memory.
    public init(membership: ClusterMembership? = nil, log: WriteAheadLog?, recovery: WriteAheadLog.Recovery? = nil,
                peers: PeerTransports = PeerTransports(clients: [:]), limits: PoolBook.Limits = .init(),
                options: LogReplica<PoolMachine>.Options = .init(), seed: UInt64 = .random(in: 1...UInt64.max),
                logger: Logger = .disabled, clock: @escaping @Sendable () -> Int64 = ConsensusNode.wallClockMilliseconds,
                newToken: @escaping @Sendable () -> String = ConsensusNode.randomToken) throws {
        let membership = try membership ?? .single(id: "n1", address: try SocketAddress(parsing: "127.0.0.1:1"))
        machine = PoolMachine(limits: limits)
        self.log = try LogReplica(membership: membership, machine: machine, log: log, recovery: recovery, peers: peers,
                                  options: options, seed: seed, logger: logger)
        self.logger = logger
        self.clock = clock
        self.newToken = newToken
    }

    /// Milliseconds since 1970 (pool timestamps and TTLs).
    public static func wallClockMilliseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }

    /// 128 random bits as hex.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    /// Runs the log (elections, replication) and, while this replica leads, pool expiry once a
    /// second, until cancelled.
    public func run() async {
        let watchers = self.watchers
        let machine = self.machine
        await log.observe(applied: { applied in
            for (_, _, output) in applied {
                switch output {
                case .pool(let pool, _): watchers.notify(pool.id, pool)
                case .expired(let ids): for id in ids { watchers.notify(id, machine.read { $0.pools[id] }) }
                case .rejected: break
                }
            }
        }, restored: {
            for id in watchers.watchedIDs { watchers.notify(id, machine.read { $0.pools[id] }) }
        })
        await withDiscardingTaskGroup { group in
            group.addTask { await self.log.run() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    await self.tick()
                }
            }
        }
    }

    // MARK: - Commands

    public func create(_ request: ConsensusV1.CreatePoolRequest) async throws -> VotingPool {
        try await submit(.create(poolId: request.poolId.given, size: request.size == 0 ? nil : Int(request.size), minValue: request.minValue,
                                 maxValue: request.maxValue, ttlSeconds: request.ttlSeconds == 0 ? nil : request.ttlSeconds, now: clock()),
                         idempotent: false).0
    }

    /// A join presents the member's token (its own, or one generated here), so a retried join —
    /// also one retried by the log after a lost answer — finds the member already in and succeeds.
    public func join(_ request: ConsensusV1.JoinPoolRequest, principal: String?) async throws -> (VotingPool, String) {
        let token = request.memberToken.given ?? newToken()
        let (pool, issued) = try await submit(.join(member: request.memberId, poolId: request.poolId.given, token: token, principal: principal,
                                                    newToken: token, now: clock()), idempotent: true)
        return (pool, issued ?? token)
    }

    /// The pool after the vote (a repeat of a counted vote is answered the same way).
    public func vote(_ request: ConsensusV1.VoteRequest, principal: String?) async throws -> VotingPool {
        try await submit(.vote(poolId: request.poolId, member: request.memberId, token: request.memberToken.given, principal: principal,
                               round: Int(request.round), value: request.value, etag: request.etag, now: clock()), idempotent: true).0
    }

    public func leave(_ request: ConsensusV1.LeavePoolRequest, principal: String?) async throws -> VotingPool {
        try await submit(.leave(poolId: request.poolId, member: request.memberId, token: request.memberToken.given, principal: principal,
                                now: clock()), idempotent: false).0
    }

    /// The pool as committed (linearizable).
    public func get(_ id: String) async throws -> VotingPool {
        try await log.linearizableRead()
        guard let pool = machine.read({ $0.pools[id] }) else { throw PoolRejection.notFound("no pool \"\(id)\"") }
        return pool
    }

    public func list(state: PoolState?, after sequence: UInt64, limit: Int) async throws -> [VotingPool] {
        try await log.linearizableRead()
        return machine.read { book in book.page(after: sequence, limit: limit) { state == nil || $0.state == state } }
    }

    /// While leading: proposes an expiry when the clock says a pool is due (every replica then
    /// expires exactly what that command's time says).
    public func tick() async {
        guard await log.isLeader else { return }
        let now = clock()
        guard machine.read({ !$0.expire(now: now).isEmpty }) else { return }
        do { _ = try await log.submit(.expire(now: now), idempotent: true) } catch {
            logger.warning("cannot record pool expiry", [("error", "\(error)")])
        }
    }

    public var poolCount: Int { machine.read { $0.pools.count } }

    // MARK: - Watching

    /// The pool as applied here now (unless the client already saw it or something newer: its
    /// `afterEtag`) and after every change applied here, until it closes or is removed. A watch
    /// reads this replica's applied state without a linearizable read: it never goes back from
    /// `afterEtag`, and every later committed change arrives as it applies.
    public func watch(_ id: String, afterEtag: String?) async throws -> AsyncThrowingStream<VotingPool, any Error> {
        try log.rebuild.refuseWhileRebuilding()
        let (stream, continuation) = AsyncThrowingStream<VotingPool, any Error>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let seen = afterEtag.flatMap(Self.version(ofETag:)) ?? 0
        let (watcher, token) = watchers.add(id, continuation, sent: seen)
        // Read after registering: a change applied in between is in this read or notified to the
        // watcher (read first, a change applied between the read and the registration reached
        // neither, and the stream stayed silent until the next change).
        guard let current = machine.read({ $0.pools[id] }) else {
            watchers.remove(id, token)
            throw PoolRejection.notFound("no pool \"\(id)\"")
        }
        let watchers = self.watchers
        continuation.onTermination = { _ in watchers.remove(id, token) }
        watcher.offer(current)
        if current.closed, current.version <= seen { continuation.finish() }
        return stream
    }

    public static func version(ofETag etag: String) -> UInt64? {
        var text = Substring(etag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        text = text.drop { $0 == "\"" }
        while text.last == "\"" { text = text.dropLast() }
        guard text.first == "v" else { return nil }
        return UInt64(text.dropFirst())
    }

    // MARK: - Internals

    /// A command the pools refused, with the pool as it was then (a stale vote's client retries
    /// with it, no second read needed).
    public struct Refused: Error {
        public let rejection: PoolRejection
        public let current: VotingPool?
    }

    func submit(_ command: PoolCommand, idempotent: Bool) async throws -> (VotingPool, String?) {
        switch try await log.submit(command, idempotent: idempotent) {
        case .pool(let pool, let token): return (pool, token)
        case .rejected(let rejection, let current): throw Refused(rejection: rejection, current: current)
        case .expired: throw ConnectError(.internal, "unexpected output for a pool command")
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
