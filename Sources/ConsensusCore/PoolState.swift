/// Where a pool is in its life.
public enum PoolState: String, Sendable, Codable, CaseIterable {
    /// Members are joining; voting starts when the pool is full.
    case open = "OPEN"
    /// The current round is collecting votes.
    case waiting = "WAITING"
    /// A value won a strict majority; the pool is closed.
    case success = "SUCCESS"
    /// The last round ended without a majority and the next round is open; or, when the pool is
    /// closed, it failed for good (expired) and `reason` says why.
    case failed = "FAILED"

    public var number: Int32 {
        switch self {
        case .open: 1
        case .waiting: 2
        case .success: 3
        case .failed: 4
        }
    }
}
