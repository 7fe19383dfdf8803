public import RPC

/// `consensus.v1.JoinPoolResponse`.
public struct JoinPoolResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.JoinPoolResponse", [
        FieldSchema("pool", 1, .message { PoolMessage.schema }),
        FieldSchema("member_token", 2, .string),
    ])

    public var pool: PoolMessage
    public var memberToken: String

    public init(pool: PoolMessage, memberToken: String) {
        self.pool = pool
        self.memberToken = memberToken
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        pool = try r.decode("pool") ?? PoolMessage()
        memberToken = try r.string("memberToken") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("pool", pool)
        try w.write("memberToken", memberToken)
    }
}

/// `consensus.v1.VoteResponse`.
public struct VoteResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.VoteResponse", [
        FieldSchema("accepted", 1, .bool),
        FieldSchema("pool", 2, .message { PoolMessage.schema }),
    ])

    public var accepted: Bool
    public var pool: PoolMessage

    public init(accepted: Bool, pool: PoolMessage) {
        self.accepted = accepted
        self.pool = pool
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        accepted = try r.bool("accepted") ?? false
        pool = try r.decode("pool") ?? PoolMessage()
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("accepted", accepted)
        try w.write("pool", pool)
    }
}

/// `consensus.v1.ListPoolsResponse`.
public struct ListPoolsResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.ListPoolsResponse", [
        FieldSchema("pools", 1, .message { PoolMessage.schema }, .repeated),
        FieldSchema("next_page_token", 2, .string),
    ])

    public var pools: [PoolMessage]
    public var nextPageToken: String

    public init(pools: [PoolMessage], nextPageToken: String) {
        self.pools = pools
        self.nextPageToken = nextPageToken
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        pools = try r.repeated("pools")
        nextPageToken = try r.string("nextPageToken") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("pools", pools)
        try w.write("nextPageToken", nextPageToken)
    }
}
