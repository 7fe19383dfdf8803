import ReplicaMath
/// One voting pool: members join until it is full, then vote round after round until one value
/// has a strict majority of the pool size (⌊N/2⌋+1).
///
/// A value type with no clocks, I/O or randomness: time (`now`, milliseconds) and member tokens
/// are inputs. Every accepted change bumps `version` (the etag), so an etag names exactly one state.
/// Invariants: at most one winner, and the winner had a strict majority in one round; a member
/// votes at most once per round; a closed pool never changes again except to be removed.
public struct VotingPool: Sendable, Equatable, Codable {
    /// One completed round: every member's vote and whether a value won.
    public struct Round: Sendable, Equatable, Codable {
        public var number: Int
        public var votes: [String: Int64]
        public var winner: Int64?
    }

    public let id: String
    public let size: Int
    public let minValue: Int64
    public let maxValue: Int64
    public let ttlMilliseconds: Int64
    public let createdAt: Int64
    /// Position in creation order (for "the oldest open pool" and paging).
    public let sequence: UInt64
    public private(set) var members: [String] = []
    public private(set) var tokens: [String: String] = [:]
    public private(set) var round = 0
    public private(set) var state = PoolState.open
    public private(set) var votes: [String: Int64] = [:]
    public private(set) var history: [Round] = []
    public private(set) var winner: Int64?
    public private(set) var closed = false
    public private(set) var reason = ""
    public private(set) var version: UInt64 = 1
    public private(set) var lastActivity: Int64
    public private(set) var closedAt: Int64?

    public init(id: String, size: Int, minValue: Int64, maxValue: Int64, ttlMilliseconds: Int64, now: Int64, sequence: UInt64) {
        self.id = id
        self.size = size
        self.minValue = minValue
        self.maxValue = maxValue
        self.ttlMilliseconds = ttlMilliseconds
        self.createdAt = now
        self.sequence = sequence
        lastActivity = now
    }

    /// Votes needed to win: a strict majority of the pool size.
    public var majority: Int { ReplicaMath.majority(of: size) }
    public var isFull: Bool { members.count == size }
    public var etag: String { "\"v\(version)\"" }

    /// A member joins. Precondition (checked by `PoolBook`): the pool is open and the id is new.
    mutating func join(_ member: String, token: String, now: Int64) {
        members.append(member)
        tokens[member] = token
        lastActivity = now
        if isFull {
            round = 1
            state = .waiting
        }
        version += 1
    }

    /// A member leaves before voting starts.
    mutating func leave(_ member: String, now: Int64) {
        members.removeAll { $0 == member }
        tokens[member] = nil
        lastActivity = now
        version += 1
    }

    /// Records a vote and decides the round when it can.
    mutating func vote(_ member: String, value: Int64, now: Int64) {
        votes[member] = value
        lastActivity = now
        state = .waiting
        let counts = votes.values.reduce(into: [Int64: Int]()) { $0[$1, default: 0] += 1 }
        if let (value, _) = counts.first(where: { $0.value >= majority }) {
            winner = value
            history.append(Round(number: round, votes: votes, winner: value))
            votes = [:]
            state = .success
            close(at: now, reason: "")
        } else if votes.count == size {
            history.append(Round(number: round, votes: votes, winner: nil))
            votes = [:]
            round += 1
            state = .failed
        }
        version += 1
    }

    /// Ends the pool for good as failed (expired, never filled, or abandoned).
    mutating func fail(reason: String, now: Int64) {
        state = .failed
        close(at: now, reason: reason)
        version += 1
    }

    private mutating func close(at now: Int64, reason: String) {
        closed = true
        closedAt = now
        self.reason = reason
    }

    /// The value `member` voted in `round`, if any (current round or history).
    public func vote(of member: String, inRound number: Int) -> Int64? {
        if number == round, let value = votes[member] { return value }
        return history.first { $0.number == number }?.votes[member]
    }
}
