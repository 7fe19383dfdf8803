import JSON
public import ConsensusCore
import Foundation
public import RPC
public import Storage

/// The consensus role's state: a `PoolBook`, made durable through the write-ahead log.
///
/// Every command is checked and applied synchronously (no suspension between check and update,
/// so an etag check and its update are one atomic step), its events are appended to the log in
/// that same step, and the caller is answered only after the log has them on disk (per the fsync
/// policy). Watchers are told about a change after it is durable.
public actor ConsensusNode {
    let log: WriteAheadLog?
    let logger: Logger
    let clock: @Sendable () -> Int64
    let newToken: @Sendable () -> String
    var book: PoolBook
    var lastLSN: UInt64 = 0
    var recordsSinceSnapshot = 0
    let snapshotEvery: Int
    var watchers: [String: [Int: AsyncThrowingStream<VotingPool, any Error>.Continuation]] = [:]
    var sentVersion: [Int: UInt64] = [:]
    var nextWatcher = 0

    /// - Parameters:
    ///   - log: where events go; nil keeps state in memory only.
    ///   - recovery: what the log held when opened; replayed here.
    public init(log: WriteAheadLog?, recovery: WriteAheadLog.Recovery? = nil, limits: PoolBook.Limits = .init(),
                snapshotEvery: Int = 10_000, logger: Logger = .disabled,
                clock: @escaping @Sendable () -> Int64 = ConsensusNode.wallClockMilliseconds,
                newToken: @escaping @Sendable () -> String = ConsensusNode.randomToken) throws {
        self.log = log
        self.logger = logger
        self.clock = clock
        self.newToken = newToken
        self.snapshotEvery = snapshotEvery
        var book = PoolBook(limits: limits)
        if let recovery {
            if let snapshot = recovery.snapshot {
                book = try JSONValueDecoder.decode(PoolBook.self, from: snapshot)
                book.limits = limits
            }
            for record in recovery.records {
                book.apply(try JSONValueDecoder.decode(PoolEvent.self, from: record))
            }
        }
        self.book = book
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

    // MARK: - Commands

    public func create(_ request: CreatePoolRequest) async throws -> VotingPool {
        let event = try book.create(poolID: request.poolId, size: request.size.map(Int.init), minValue: request.minValue,
                                    maxValue: request.maxValue, ttlSeconds: request.ttlSeconds, now: clock()).get()
        try await commit([event])
        return try pool(event.poolID)
    }

    public func join(_ request: JoinPoolRequest, principal: String?) async throws -> (VotingPool, String) {
        let decision = try book.join(member: request.memberId, poolID: request.poolId, presentedToken: request.memberToken,
                                     principal: principal, newToken: newToken(), now: clock()).get()
        try await commit(decision.events)
        return (try pool(decision.poolID), decision.token)
    }

    /// Returns whether the vote counted (a repeat of a counted vote also counts) and the pool after it.
    public func vote(_ request: VoteRequest, principal: String?) async throws -> VotingPool {
        let result = book.vote(poolID: request.poolId, member: request.memberId, presentedToken: request.memberToken,
                               principal: principal, round: Int(request.round), value: request.value, etag: request.etag, now: clock())
        let event = try result.get()
        try await commit(event.map { [$0] } ?? [])
        return try pool(request.poolId)
    }

    public func leave(_ request: LeavePoolRequest, principal: String?) async throws -> VotingPool {
        let event = try book.leave(poolID: request.poolId, member: request.memberId, presentedToken: request.memberToken,
                                   principal: principal, now: clock()).get()
        try await commit([event])
        return try pool(request.poolId)
    }

    /// The pool as durably recorded.
    public func get(_ id: String) async throws -> VotingPool {
        if let log, lastLSN > 0 { try await log.sync(upTo: lastLSN) }
        return try pool(id)
    }

    public func list(state: PoolState?, after sequence: UInt64, limit: Int) async throws -> [VotingPool] {
        if let log, lastLSN > 0 { try await log.sync(upTo: lastLSN) }
        return Array(book.ordered.filter { $0.sequence > sequence && (state == nil || $0.state == state) }.prefix(limit))
    }

    /// Fails idle pools and removes expired closed ones; call about once a second.
    public func tick() async {
        let events = book.expire(now: clock())
        guard !events.isEmpty else { return }
        do { try await commit(events) } catch { logger.error("cannot record pool expiry", [("error", "\(error)")]) }
    }

    public var poolCount: Int { book.pools.count }

    // MARK: - Internals

    func pool(_ id: String) throws(PoolRejection) -> VotingPool {
        guard let pool = book.pools[id] else { throw .notFound("no pool \"\(id)\"") }
        return pool
    }

    /// Applies `events`, logs them, waits until durable, then notifies watchers.
    func commit(_ events: [PoolEvent]) async throws {
        guard !events.isEmpty else { return }
        var touched: [String: VotingPool?] = [:]
        for event in events {
            book.apply(event)
            touched[event.poolID] = book.pools[event.poolID]
            if let log { lastLSN = log.append(try JSONValueEncoder.bytes(event)) }
        }
        recordsSinceSnapshot += events.count
        if let log, recordsSinceSnapshot >= snapshotEvery {
            lastLSN = log.snapshot(try JSONValueEncoder.bytes(book))
            recordsSinceSnapshot = 0
        }
        if let log { try await log.sync(upTo: lastLSN) }
        for (id, pool) in touched { notify(id, pool) }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
