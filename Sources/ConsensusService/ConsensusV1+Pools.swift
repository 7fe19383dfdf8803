public import ConsensusCore
import RPC

// Conversions between the generated `consensus.v1` messages and the pool book's values.

extension ConsensusV1.PoolState {
    public init(_ state: ConsensusCore.PoolState) {
        switch state {
        case .open: self = .open
        case .waiting: self = .waiting
        case .success: self = .success
        case .failed: self = .failed
        }
    }

    /// The state filtered on; `unspecified` is no filter.
    public var core: ConsensusCore.PoolState? {
        switch self {
        case .unspecified: nil
        case .open: .open
        case .waiting: .waiting
        case .success: .success
        case .failed: .failed
        }
    }
}

extension ConsensusV1.Pool {
    public init(_ pool: VotingPool) {
        self.init(poolId: pool.id, size: Int32(pool.size), members: pool.members, round: Int32(pool.round), state: ConsensusV1.PoolState(pool.state),
                  winner: pool.winner, votesThisRound: pool.votes,
                  history: pool.history.map { ConsensusV1.Round(round: Int32($0.number), votes: $0.votes, winner: $0.winner) },
                  etag: pool.etag, minValue: pool.minValue, maxValue: pool.maxValue, ttlSeconds: pool.ttlMilliseconds / 1000,
                  closed: pool.closed, reason: pool.reason, createdAtMs: pool.createdAt, majority: Int32(pool.majority))
    }
}
