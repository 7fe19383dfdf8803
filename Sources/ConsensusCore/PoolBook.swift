/// Every pool a node holds. Commands check a request against the current state and return the
/// events to record (or a rejection); `apply` performs events. Pure: time and tokens are inputs.
///
/// Guarantees: `apply` of the events a command returned is what makes it take effect, so a shell
/// that logs events before acknowledging and replays them on restart rebuilds exactly this state,
/// etags included; closed pools are removed `ttl` after closing, so memory stays bounded.
public struct PoolBook: Sendable, Equatable, Codable {
    /// Defaults and caps.
    public struct Limits: Sendable, Equatable, Codable {
        public var maxPools = 10_000
        public var defaultSize = 3
        public var defaultMinValue: Int64 = 1
        public var defaultMaxValue: Int64 = 10
        /// An open or idle pool fails after this long without activity; a closed pool is kept this long.
        public var defaultTTLMilliseconds: Int64 = 600_000
        public var maxTTLMilliseconds: Int64 = 7 * 24 * 3_600_000

        public init() {}
    }

    public private(set) var pools: [String: VotingPool] = [:]
    public private(set) var nextSequence: UInt64 = 1
    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Pools in creation order.
    public var ordered: [VotingPool] { pools.values.sorted { $0.sequence < $1.sequence } }

    /// Up to `limit` pools created after `sequence` that satisfy `condition`, in creation order:
    /// one pass keeping the `limit` oldest matches (a page of `ListPools` costs no sort of the
    /// whole book).
    public func page(after sequence: UInt64, limit: Int, where condition: (VotingPool) -> Bool) -> [VotingPool] {
        guard limit > 0 else { return [] }
        var oldest: [(sequence: UInt64, id: String)] = []
        for (id, pool) in pools where pool.sequence > sequence {
            if oldest.count == limit, let last = oldest.last, pool.sequence > last.sequence { continue }
            guard condition(pool) else { continue }
            var low = 0, high = oldest.count
            while low < high {
                let middle = (low + high) / 2
                if oldest[middle].sequence < pool.sequence { low = middle + 1 } else { high = middle }
            }
            oldest.insert((pool.sequence, id), at: low)
            if oldest.count > limit { oldest.removeLast() }
        }
        return oldest.compactMap { pools[$0.id] }
    }

    /// The oldest pool that satisfies `condition`: one pass, no sort (a join without a pool id
    /// asks on every replica, and the book holds up to `maxPools`).
    func oldest(where condition: (VotingPool) -> Bool) -> VotingPool? {
        var found: VotingPool?
        for pool in pools.values where condition(pool) && pool.sequence < (found?.sequence ?? .max) { found = pool }
        return found
    }

    // MARK: - Commands

    public func create(poolID: String?, size: Int?, minValue: Int64?, maxValue: Int64?, ttlSeconds: Int64?, now: Int64)
        -> Result<PoolEvent, PoolRejection> {
        let size = size ?? limits.defaultSize
        guard (2...1000).contains(size) else { return .failure(.invalid("size must be between 2 and 1000, got \(size)")) }
        let low = minValue ?? limits.defaultMinValue
        let high = maxValue ?? limits.defaultMaxValue
        guard low <= high else { return .failure(.invalid("minValue \(low) is greater than maxValue \(high)")) }
        let ttl = ttlSeconds.map { $0 * 1000 } ?? limits.defaultTTLMilliseconds
        guard ttl > 0, ttl <= limits.maxTTLMilliseconds else {
            return .failure(.invalid("ttlSeconds must be between 1 and \(limits.maxTTLMilliseconds / 1000)"))
        }
        let id = poolID ?? "pool-\(nextSequence)"
        guard Self.isValidID(id) else {
            return .failure(.invalid("poolId must be 1 to 64 letters, digits, '.', '_' or '-', got \"\(id)\""))
        }
        guard pools[id] == nil else { return .failure(.alreadyExists("pool \"\(id)\" already exists")) }
        guard pools.count < limits.maxPools else { return .failure(.tooManyPools(limits.maxPools)) }
        return .success(.created(id: id, size: size, minValue: low, maxValue: high, ttlMilliseconds: ttl, now: now))
    }

    /// The result of a join: events to record (none for a rejoin) and the member's pool and token.
    public struct JoinDecision: Sendable, Equatable {
        public var events: [PoolEvent]
        public var poolID: String
        public var token: String
    }

    /// `member` joins `poolID`, or, without one, the pool it already joined or else the oldest open
    /// pool (a new default pool if none). A member already in the pool rejoins with its token (or as
    /// the same authenticated client). A new member may propose its own token (at least 16
    /// characters), which makes retrying a join whose answer was lost harmless.
    public func join(member: String, poolID: String?, presentedToken: String?, principal: String?, newToken generated: String, now: Int64)
        -> Result<JoinDecision, PoolRejection> {
        guard Self.isValidID(member) else {
            return .failure(.invalid("memberId must be 1 to 64 letters, digits, '.', '_' or '-'"))
        }
        let newToken = presentedToken ?? generated
        let proposedTokenIsValid = presentedToken.map { (16...128).contains($0.count) } ?? true
        let target: VotingPool?
        if let poolID {
            guard let pool = pools[poolID] else { return .failure(.notFound("no pool \"\(poolID)\"")) }
            target = pool
        } else {
            // A retried join finds the pool it already joined; otherwise the oldest open pool.
            target = oldest { !$0.closed && $0.members.contains(member) }
                ?? oldest { !$0.closed && $0.state == .open && !$0.isFull }
        }
        guard let pool = target else {
            // No open pool: create a default one and join it.
            guard proposedTokenIsValid else { return .failure(.invalid("memberToken must be 16 to 128 characters")) }
            switch create(poolID: nil, size: nil, minValue: nil, maxValue: nil, ttlSeconds: nil, now: now) {
            case .failure(let rejection): return .failure(rejection)
            case .success(let created):
                let id = created.poolID
                return .success(JoinDecision(events: [created, .joined(pool: id, member: member, token: newToken, now: now)],
                                             poolID: id, token: newToken))
            }
        }
        if pool.members.contains(member) {
            if let token = pool.tokens[member], Self.authorized(member: member, token: token, presented: presentedToken, principal: principal) {
                return .success(JoinDecision(events: [], poolID: pool.id, token: token))
            }
            return .failure(.alreadyExists("member \"\(member)\" already joined pool \"\(pool.id)\"; rejoin with its memberToken"))
        }
        guard !pool.closed else { return .failure(.notAllowed("pool \"\(pool.id)\" is closed (\(pool.state.rawValue))")) }
        guard !pool.isFull else { return .failure(.notAllowed("pool \"\(pool.id)\" is full; voting has started")) }
        guard proposedTokenIsValid else { return .failure(.invalid("memberToken must be 16 to 128 characters")) }
        return .success(JoinDecision(events: [.joined(pool: pool.id, member: member, token: newToken, now: now)],
                                     poolID: pool.id, token: newToken))
    }

    /// The result of a vote: the event to record, or nil when this exact vote was already counted.
    public func vote(poolID: String, member: String, presentedToken: String?, principal: String?, round: Int, value: Int64,
                     etag: String, now: Int64) -> Result<PoolEvent?, PoolRejection> {
        guard let pool = pools[poolID] else { return .failure(.notFound("no pool \"\(poolID)\"")) }
        guard let token = pool.tokens[member] else {
            return .failure(.permissionDenied("\"\(member)\" is not a member of pool \"\(poolID)\""))
        }
        guard Self.authorized(member: member, token: token, presented: presentedToken, principal: principal) else {
            return .failure(.unauthenticated("wrong or missing memberToken for \"\(member)\""))
        }
        guard (pool.minValue...pool.maxValue).contains(value) else {
            return .failure(.invalid("value must be between \(pool.minValue) and \(pool.maxValue), got \(value)"))
        }
        guard Self.isValidETag(etag) else { return .failure(.invalid("malformed etag \(etag); expected a value like \"v7\" from the pool")) }
        if pool.vote(of: member, inRound: round) == value {
            return .success(nil)
        }
        guard !pool.closed else { return .failure(.notAllowed("pool \"\(poolID)\" is closed (\(pool.state.rawValue))")) }
        guard Self.normalizedETag(etag) == pool.etag else {
            return .failure(.stale("etag \(etag) is stale; the pool is at \(pool.etag)"))
        }
        guard pool.isFull else { return .failure(.notAllowed("voting starts when the pool is full (\(pool.members.count) of \(pool.size))")) }
        guard round == pool.round else { return .failure(.stale("round \(round) is not the current round \(pool.round)")) }
        if pool.votes[member] != nil {
            return .failure(.notAllowed("\"\(member)\" already voted in round \(round)"))
        }
        return .success(.voted(pool: poolID, member: member, value: value, now: now))
    }

    public func leave(poolID: String, member: String, presentedToken: String?, principal: String?, now: Int64) -> Result<PoolEvent, PoolRejection> {
        guard let pool = pools[poolID] else { return .failure(.notFound("no pool \"\(poolID)\"")) }
        guard let token = pool.tokens[member] else {
            return .failure(.permissionDenied("\"\(member)\" is not a member of pool \"\(poolID)\""))
        }
        guard Self.authorized(member: member, token: token, presented: presentedToken, principal: principal) else {
            return .failure(.unauthenticated("wrong or missing memberToken for \"\(member)\""))
        }
        guard pool.state == .open, !pool.closed else { return .failure(.notAllowed("members can leave only before voting starts")) }
        return .success(.left(pool: poolID, member: member, now: now))
    }

    /// Fails pools idle past their TTL and removes closed pools kept past their TTL, in creation
    /// order (one pass over the book; only the pools due are sorted).
    public func expire(now: Int64) -> [PoolEvent] {
        var due: [(sequence: UInt64, event: PoolEvent)] = []
        for pool in pools.values {
            if pool.closed {
                if let closedAt = pool.closedAt, now - closedAt >= pool.ttlMilliseconds { due.append((pool.sequence, .removed(pool: pool.id))) }
            } else if now - pool.lastActivity >= pool.ttlMilliseconds {
                let seconds = pool.ttlMilliseconds / 1000
                let reason = pool.state == .open
                    ? "expired: only \(pool.members.count) of \(pool.size) members joined within \(seconds)s"
                    : "expired: no vote for \(seconds)s in round \(pool.round)"
                due.append((pool.sequence, .failed(pool: pool.id, reason: reason, now: now)))
            }
        }
        return due.sorted { $0.sequence < $1.sequence }.map(\.event)
    }

    // MARK: - Applying events

    public mutating func apply(_ event: PoolEvent) {
        switch event {
        case .created(let id, let size, let low, let high, let ttl, let now):
            pools[id] = VotingPool(id: id, size: size, minValue: low, maxValue: high, ttlMilliseconds: ttl, now: now, sequence: nextSequence)
            nextSequence += 1
        case .joined(let id, let member, let token, let now):
            pools[id]?.join(member, token: token, now: now)
        case .left(let id, let member, let now):
            pools[id]?.leave(member, now: now)
        case .voted(let id, let member, let value, let now):
            pools[id]?.vote(member, value: value, now: now)
        case .failed(let id, let reason, let now):
            pools[id]?.fail(reason: reason, now: now)
        case .removed(let id):
            pools[id] = nil
        }
    }

    // MARK: - Helpers

    static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 46 || byte == 95
        }
    }

    /// Accepts `"v7"` (quoted, as sent in headers), `v7`, and weak `W/"v7"`.
    static func normalizedETag(_ etag: String) -> String {
        var text = Substring(etag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        return "\"\(text)\""
    }

    static func isValidETag(_ etag: String) -> Bool {
        let inner = normalizedETag(etag).dropFirst().dropLast()
        return inner.hasPrefix("v") && inner.count > 1 && inner.dropFirst().allSatisfy(\.isNumber)
    }

    static func authorized(member: String, token: String, presented: String?, principal: String?) -> Bool {
        if let principal, principal == member { return true }
        guard let presented else { return false }
        let a = Array(token.utf8)
        let b = Array(presented.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) { difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
        return difference == 0
    }
}
