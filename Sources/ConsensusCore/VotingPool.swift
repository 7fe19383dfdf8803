import ReplicaMath
/// One voting pool: members join until it is full, then vote round after round until one value
/// has a strict majority of the pool size (⌊N/2⌋+1).
///
/// A value type with no clocks, I/O or randomness: time (`now`, milliseconds) and member tokens
/// are inputs. Every accepted change bumps `version` (the etag), so an etag names exactly one state.
/// Invariants: at most one winner, and the winner had a strict majority in one round; a member
/// votes at most once per round; a closed pool never changes again except to be removed.
package struct VotingPool: Sendable, Equatable, Codable {
    /// One completed round: every member's vote and whether a value won.
    package struct Round: Sendable, Equatable, Codable {
        package var number: Int
        package var votes: [String: Int64]
        package var winner: Int64?
    }

    package let id: String
    package let size: Int
    package let minValue: Int64
    package let maxValue: Int64
    package let ttlMilliseconds: Int64
    package let createdAt: Int64
    /// Position in creation order (for "the oldest open pool" and paging).
    package let sequence: UInt64
    package private(set) var members: [String] = []
    package private(set) var tokens: [String: String] = [:]
    package private(set) var round = 0
    package private(set) var state = PoolState.open
    package private(set) var votes: [String: Int64] = [:]
    package private(set) var history: [Round] = []
    package private(set) var winner: Int64?
    package private(set) var closed = false
    package private(set) var reason = ""
    package private(set) var version: UInt64 = 1
    package private(set) var lastActivity: Int64
    package private(set) var closedAt: Int64?

    package init(id: String, size: Int, minValue: Int64, maxValue: Int64, ttlMilliseconds: Int64, now: Int64, sequence: UInt64) {
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
    package var majority: Int { ReplicaMath.majority(of: size) }
    package var isFull: Bool { members.count == size }
    package var etag: String { "\"v\(version)\"" }

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
    package func vote(of member: String, inRound number: Int) -> Int64? {
        if number == round, let value = votes[member] { return value }
        return history.first { $0.number == number }?.votes[member]
    }
}
