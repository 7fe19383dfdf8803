public import RPC

/// `bulletin.v1.PostRequest`.
public struct PostRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.PostRequest", [
        FieldSchema("author", 1, .string, required: true), FieldSchema("title", 2, .string, required: true),
        FieldSchema("body", 3, .string, required: true), FieldSchema("request_id", 4, .string), FieldSchema("session", 5, .string),
    ])

    public var author: String
    public var title: String
    public var body: String
    public var requestId: String?
    public var session: String?

    public init(author: String, title: String, body: String, requestId: String? = nil, session: String? = nil) {
        self.author = author
        self.title = title
        self.body = body
        self.requestId = requestId
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        author = try r.string("author") ?? ""
        title = try r.string("title") ?? ""
        body = try r.string("body") ?? ""
        requestId = try r.string("requestId").flatMap { $0.isEmpty ? nil : $0 }
        session = try r.string("session").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("author", author)
        try w.write("title", title)
        try w.write("body", body)
        try w.write("requestId", requestId ?? "")
        try w.write("session", session ?? "")
    }
}

/// `bulletin.v1.ReplyRequest`.
public struct ReplyRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.ReplyRequest", [
        FieldSchema("parent_id", 1, .int64, required: true, minimum: 1), FieldSchema("author", 2, .string, required: true),
        FieldSchema("body", 3, .string, required: true), FieldSchema("request_id", 4, .string), FieldSchema("session", 5, .string),
    ])

    public var parentId: Int64
    public var author: String
    public var body: String
    public var requestId: String?
    public var session: String?

    public init(parentId: Int64, author: String, body: String, requestId: String? = nil, session: String? = nil) {
        self.parentId = parentId
        self.author = author
        self.body = body
        self.requestId = requestId
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        parentId = try r.int64("parentId") ?? 0
        author = try r.string("author") ?? ""
        body = try r.string("body") ?? ""
        requestId = try r.string("requestId").flatMap { $0.isEmpty ? nil : $0 }
        session = try r.string("session").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("parentId", parentId)
        try w.write("author", author)
        try w.write("body", body)
        try w.write("requestId", requestId ?? "")
        try w.write("session", session ?? "")
    }
}

/// `bulletin.v1.ListRequest`.
public struct ListRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.ListRequest", [
        FieldSchema("page_size", 1, .int32, minimum: 0, maximum: 1000), FieldSchema("page_token", 2, .string, pattern: "^[0-9]*$"),
        FieldSchema("session", 3, .string),
    ])

    public var pageSize: Int32
    public var pageToken: String
    public var session: String?

    public init(pageSize: Int32 = 0, pageToken: String = "", session: String? = nil) {
        self.pageSize = pageSize
        self.pageToken = pageToken
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        pageSize = try r.int32("pageSize") ?? 0
        pageToken = try r.string("pageToken") ?? ""
        session = try r.string("session").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("pageSize", pageSize)
        try w.write("pageToken", pageToken)
        try w.write("session", session ?? "")
    }
}

/// `bulletin.v1.GetRequest`.
public struct GetRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.GetRequest", [
        FieldSchema("id", 1, .int64, required: true, minimum: 1), FieldSchema("session", 2, .string),
    ])

    public var id: Int64
    public var session: String?

    public init(id: Int64, session: String? = nil) {
        self.id = id
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        id = try r.int64("id") ?? 0
        session = try r.string("session").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("id", id)
        try w.write("session", session ?? "")
    }
}

/// `bulletin.v1.WatchRequest`.
public struct WatchRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.WatchRequest", [FieldSchema("after_id", 1, .int64, minimum: 0)])
    public var afterId: Int64

    public init(afterId: Int64 = 0) { self.afterId = afterId }

    public init(from decoder: any Decoder) throws {
        afterId = try ProtoReader(decoder, Self.schema).int64("afterId") ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("afterId", afterId)
    }
}

/// `bulletin.v1.SyncRequest` (no fields).
public struct SyncRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.SyncRequest", [])
    public init() {}
    public init(from decoder: any Decoder) throws { _ = try ProtoReader(decoder, Self.schema) }
    public func encode(to encoder: any Encoder) throws { _ = ProtoWriter(encoder) }
}
