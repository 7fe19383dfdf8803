public import RPC

/// `consensus.v1.CreatePoolRequest`.
public struct CreatePoolRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.CreatePoolRequest", [
        FieldSchema("pool_id", 1, .string, pattern: "^[A-Za-z0-9._-]{0,64}$"),
        FieldSchema("size", 2, .int32, minimum: 0, maximum: 1000),
        FieldSchema("min_value", 3, .int64, .optional),
        FieldSchema("max_value", 4, .int64, .optional),
        FieldSchema("ttl_seconds", 5, .int64, minimum: 0, maximum: 604_800),
    ])

    public var poolId: String?
    public var size: Int32?
    public var minValue: Int64?
    public var maxValue: Int64?
    public var ttlSeconds: Int64?

    public init(poolId: String? = nil, size: Int32? = nil, minValue: Int64? = nil, maxValue: Int64? = nil, ttlSeconds: Int64? = nil) {
        self.poolId = poolId
        self.size = size
        self.minValue = minValue
        self.maxValue = maxValue
        self.ttlSeconds = ttlSeconds
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        poolId = try r.string("poolId").flatMap { $0.isEmpty ? nil : $0 }
        size = try r.int32("size").flatMap { $0 == 0 ? nil : $0 }
        minValue = try r.int64("minValue")
        maxValue = try r.int64("maxValue")
        ttlSeconds = try r.int64("ttlSeconds").flatMap { $0 == 0 ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("poolId", poolId ?? "")
        try w.write("size", size ?? 0)
        try w.write("minValue", optional: minValue)
        try w.write("maxValue", optional: maxValue)
        try w.write("ttlSeconds", ttlSeconds ?? 0)
    }
}

/// `consensus.v1.JoinPoolRequest`.
public struct JoinPoolRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.JoinPoolRequest", [
        FieldSchema("member_id", 1, .string, required: true, pattern: "^[A-Za-z0-9._-]{1,64}$"),
        FieldSchema("pool_id", 2, .string, pattern: "^[A-Za-z0-9._-]{0,64}$"),
        FieldSchema("member_token", 3, .string, pattern: "^([!-~]{16,128})?$"),
    ])

    public var memberId: String
    public var poolId: String?
    public var memberToken: String?

    public init(memberId: String, poolId: String? = nil, memberToken: String? = nil) {
        self.memberId = memberId
        self.poolId = poolId
        self.memberToken = memberToken
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        memberId = try r.requireString("memberId")
        poolId = try r.string("poolId").flatMap { $0.isEmpty ? nil : $0 }
        memberToken = try r.string("memberToken").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("memberId", memberId)
        try w.write("poolId", poolId ?? "")
        try w.write("memberToken", memberToken ?? "")
    }
}

/// `consensus.v1.VoteRequest`.
public struct VoteRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.VoteRequest", [
        FieldSchema("pool_id", 1, .string, required: true),
        FieldSchema("member_id", 2, .string, required: true),
        FieldSchema("member_token", 3, .string),
        FieldSchema("round", 4, .int32),
        FieldSchema("value", 5, .int64),
        FieldSchema("etag", 6, .string, required: true),
    ])

    public var poolId: String
    public var memberId: String
    public var memberToken: String?
    public var round: Int32
    public var value: Int64
    public var etag: String

    public init(poolId: String, memberId: String, memberToken: String?, round: Int32, value: Int64, etag: String) {
        self.poolId = poolId
        self.memberId = memberId
        self.memberToken = memberToken
        self.round = round
        self.value = value
        self.etag = etag
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        poolId = try r.requireString("poolId")
        memberId = try r.requireString("memberId")
        memberToken = try r.string("memberToken").flatMap { $0.isEmpty ? nil : $0 }
        round = try r.int32("round") ?? 0
        value = try r.int64("value") ?? 0
        etag = try r.requireString("etag")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("poolId", poolId)
        try w.write("memberId", memberId)
        try w.write("memberToken", memberToken ?? "")
        try w.write("round", round)
        try w.write("value", value)
        try w.write("etag", etag)
    }
}

/// `consensus.v1.GetPoolRequest`, also used as `WatchPoolRequest` without `afterEtag`.
public struct GetPoolRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.GetPoolRequest", [FieldSchema("pool_id", 1, .string, required: true)])

    public var poolId: String

    public init(poolId: String) { self.poolId = poolId }

    public init(from decoder: any Decoder) throws {
        poolId = try ProtoReader(decoder, Self.schema).requireString("poolId")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("poolId", poolId)
    }
}

/// `consensus.v1.WatchPoolRequest`.
public struct WatchPoolRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.WatchPoolRequest", [
        FieldSchema("pool_id", 1, .string, required: true),
        FieldSchema("after_etag", 2, .string),
    ])

    public var poolId: String
    public var afterEtag: String?

    public init(poolId: String, afterEtag: String? = nil) {
        self.poolId = poolId
        self.afterEtag = afterEtag
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        poolId = try r.requireString("poolId")
        afterEtag = try r.string("afterEtag").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("poolId", poolId)
        try w.write("afterEtag", afterEtag ?? "")
    }
}

/// `consensus.v1.ListPoolsRequest`.
public struct ListPoolsRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.ListPoolsRequest", [
        FieldSchema("page_size", 1, .int32, minimum: 0),
        FieldSchema("page_token", 2, .string, pattern: "^[0-9]{0,19}$"),
        FieldSchema("state", 3, .enumeration(PoolStateMessage.schema)),
    ])

    public var pageSize: Int32
    public var pageToken: String
    public var state: PoolStateMessage

    public init(pageSize: Int32 = 0, pageToken: String = "", state: PoolStateMessage = .unspecified) {
        self.pageSize = pageSize
        self.pageToken = pageToken
        self.state = state
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        pageSize = try r.int32("pageSize") ?? 0
        pageToken = try r.string("pageToken") ?? ""
        state = try r.decode("state", as: PoolStateMessage.self) ?? .unspecified
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("pageSize", pageSize)
        try w.write("pageToken", pageToken)
        try w.write("state", state)
    }
}

/// `consensus.v1.LeavePoolRequest`.
public struct LeavePoolRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("consensus.v1.LeavePoolRequest", [
        FieldSchema("pool_id", 1, .string, required: true),
        FieldSchema("member_id", 2, .string, required: true),
        FieldSchema("member_token", 3, .string),
    ])

    public var poolId: String
    public var memberId: String
    public var memberToken: String?

    public init(poolId: String, memberId: String, memberToken: String?) {
        self.poolId = poolId
        self.memberId = memberId
        self.memberToken = memberToken
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        poolId = try r.requireString("poolId")
        memberId = try r.requireString("memberId")
        memberToken = try r.string("memberToken").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("poolId", poolId)
        try w.write("memberId", memberId)
        try w.write("memberToken", memberToken ?? "")
    }
}
