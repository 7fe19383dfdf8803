/// A change to the pools, as proposed to the replicated log: the request plus everything the
/// proposer decided for it (the time, a generated member token), so that applying it is the
/// same on every replica.
public enum PoolCommand: Sendable, Equatable, Codable {
    case create(poolId: String?, size: Int?, minValue: Int64?, maxValue: Int64?, ttlSeconds: Int64?, now: Int64)
    case join(member: String, poolId: String?, token: String?, principal: String?, newToken: String, now: Int64)
    case vote(poolId: String, member: String, token: String?, principal: String?, round: Int, value: Int64, etag: String, now: Int64)
    case leave(poolId: String, member: String, token: String?, principal: String?, now: Int64)
    /// Fails pools idle past their TTL and removes closed pools kept past theirs (the leader
    /// proposes it when its clock says something expired; every replica applies the same `now`).
    case expire(now: Int64)
}

/// What applying a `PoolCommand` gave.
public enum PoolOutput: Sendable, Equatable, Codable {
    /// The pool after the command (and, for a join, the member's token).
    case pool(VotingPool, token: String?)
    /// Refused; `current` is the pool as it is (for a stale etag, so the client can retry at once).
    case rejected(PoolRejection, current: VotingPool?)
    /// The pools an expiry failed or removed.
    case expired([String])
}

