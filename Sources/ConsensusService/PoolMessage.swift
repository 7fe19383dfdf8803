public import ConsensusCore
public import RPC

/// `consensus.v1.PoolState` on the wire.
public enum PoolStateMessage: ProtoEnum {
    case unspecified, open, waiting, success, failed

    public static let protoName = "consensus.v1.PoolState"

    public init(_ state: PoolState) {
        switch state {
        case .open: self = .open
        case .waiting: self = .waiting
        case .success: self = .success
        case .failed: self = .failed
        }
    }

    public var name: String {
        switch self {
        case .unspecified: "POOL_STATE_UNSPECIFIED"
        case .open: "OPEN"
        case .waiting: "WAITING"
        case .success: "SUCCESS"
        case .failed: "FAILED"
        }
    }

    public var number: Int32 {
        switch self {
        case .unspecified: 0
        case .open: 1
        case .waiting: 2
        case .success: 3
        case .failed: 4
        }
    }

    public var core: PoolState? {
        switch self {
        case .unspecified: nil
        case .open: .open
        case .waiting: .waiting
        case .success: .success
        case .failed: .failed
        }
    }
}

/// `consensus.v1.Round`.
public struct RoundMessage: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.Round", [
        FieldSchema("round", 1, .int32),
        FieldSchema("votes", 2, .map(key: .string, value: .int64)),
        FieldSchema("winner", 3, .int64, .optional),
    ])

    public var round: Int32
    public var votes: [String: Int64]
    public var winner: Int64?

    public init(round: Int32, votes: [String: Int64], winner: Int64?) {
        self.round = round
        self.votes = votes
        self.winner = winner
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        round = try r.int32("round") ?? 0
        votes = try r.int64Map("votes")
        winner = try r.int64("winner")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("round", round)
        try w.write("votes", votes)
        try w.write("winner", optional: winner)
    }
}

/// `consensus.v1.Pool`: everything a client needs to decide its next step.
public struct PoolMessage: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.Pool", [
        FieldSchema("pool_id", 1, .string),
        FieldSchema("size", 2, .int32),
        FieldSchema("members", 3, .string, .repeated),
        FieldSchema("round", 4, .int32),
        FieldSchema("state", 5, .enumeration(PoolStateMessage.schema)),
        FieldSchema("winner", 6, .int64, .optional),
        FieldSchema("votes_this_round", 7, .map(key: .string, value: .int64)),
        FieldSchema("history", 8, .message { RoundMessage.schema }, .repeated),
        FieldSchema("etag", 9, .string),
        FieldSchema("min_value", 10, .int64),
        FieldSchema("max_value", 11, .int64),
        FieldSchema("ttl_seconds", 12, .int64),
        FieldSchema("closed", 13, .bool),
        FieldSchema("reason", 14, .string),
        FieldSchema("created_at_ms", 15, .int64),
        FieldSchema("majority", 16, .int32),
    ])

    public var poolId = ""
    public var size: Int32 = 0
    public var members: [String] = []
    public var round: Int32 = 0
    public var state = PoolStateMessage.unspecified
    public var winner: Int64?
    public var votesThisRound: [String: Int64] = [:]
    public var history: [RoundMessage] = []
    public var etag = ""
    public var minValue: Int64 = 0
    public var maxValue: Int64 = 0
    public var ttlSeconds: Int64 = 0
    public var closed = false
    public var reason = ""
    public var createdAtMs: Int64 = 0
    public var majority: Int32 = 0

    public init() {}

    public init(_ pool: VotingPool) {
        poolId = pool.id
        size = Int32(pool.size)
        members = pool.members
        round = Int32(pool.round)
        state = PoolStateMessage(pool.state)
        winner = pool.winner
        votesThisRound = pool.votes
        history = pool.history.map { RoundMessage(round: Int32($0.number), votes: $0.votes, winner: $0.winner) }
        etag = pool.etag
        minValue = pool.minValue
        maxValue = pool.maxValue
        ttlSeconds = pool.ttlMilliseconds / 1000
        closed = pool.closed
        reason = pool.reason
        createdAtMs = pool.createdAt
        majority = Int32(pool.majority)
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        poolId = try r.string("poolId") ?? ""
        size = try r.int32("size") ?? 0
        members = try r.repeated("members")
        round = try r.int32("round") ?? 0
        state = try r.decode("state", as: PoolStateMessage.self) ?? .unspecified
        winner = try r.int64("winner")
        votesThisRound = try r.int64Map("votesThisRound")
        history = try r.repeated("history")
        etag = try r.string("etag") ?? ""
        minValue = try r.int64("minValue") ?? 0
        maxValue = try r.int64("maxValue") ?? 0
        ttlSeconds = try r.int64("ttlSeconds") ?? 0
        closed = try r.bool("closed") ?? false
        reason = try r.string("reason") ?? ""
        createdAtMs = try r.int64("createdAtMs") ?? 0
        majority = try r.int32("majority") ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("poolId", poolId)
        try w.write("size", size)
        try w.write("members", members)
        try w.write("round", round)
        try w.write("state", state)
        try w.write("winner", optional: winner)
        try w.write("votesThisRound", votesThisRound)
        try w.write("history", history)
        try w.write("etag", etag)
        try w.write("minValue", minValue)
        try w.write("maxValue", maxValue)
        try w.write("ttlSeconds", ttlSeconds)
        try w.write("closed", closed)
        try w.write("reason", reason)
        try w.write("createdAtMs", createdAtMs)
        try w.write("majority", majority)
    }
}
