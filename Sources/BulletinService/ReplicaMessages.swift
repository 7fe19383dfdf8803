public import BulletinCore
public import RPC

/// `bulletin.v1.Item`: a board item as replicas exchange it.
public struct ItemMessage: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.Item", [
        FieldSchema("id", 1, .int64), FieldSchema("kind", 2, .string), FieldSchema("parent_id", 3, .int64),
        FieldSchema("article_id", 4, .int64), FieldSchema("author", 5, .string), FieldSchema("title", 6, .string),
        FieldSchema("body", 7, .string), FieldSchema("created_at_ms", 8, .int64), FieldSchema("origin", 9, .string),
        FieldSchema("seq", 10, .uint64), FieldSchema("request_id", 11, .string),
    ])

    public var item: BoardItem

    public init(_ item: BoardItem) { self.item = item }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        let kindName = try r.string("kind") ?? ""
        guard let kind = BoardItem.Kind(rawValue: kindName) else {
            throw ConnectError(.invalidArgument, "field \"kind\": expected \"article\" or \"reply\", got \"\(kindName)\"")
        }
        item = BoardItem(id: try r.int64("id") ?? 0, kind: kind, parentId: try r.int64("parentId") ?? 0,
                         articleId: try r.int64("articleId") ?? 0, author: try r.string("author") ?? "",
                         title: try r.string("title") ?? "", body: try r.string("body") ?? "",
                         createdAtMs: try r.int64("createdAtMs") ?? 0, origin: try r.string("origin") ?? "",
                         seq: try r.uint64("seq") ?? 0, requestId: try r.string("requestId").flatMap { $0.isEmpty ? nil : $0 })
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("id", item.id)
        try w.write("kind", item.kind.rawValue)
        try w.write("parentId", item.parentId)
        try w.write("articleId", item.articleId)
        try w.write("author", item.author)
        try w.write("title", item.title)
        try w.write("body", item.body)
        try w.write("createdAtMs", item.createdAtMs)
        try w.write("origin", item.origin)
        try w.write("seq", item.seq)
        try w.write("requestId", item.requestId ?? "")
    }
}

/// A message whose only field is `repeated Item items = 1`.
public protocol ItemListMessage: ProtoMessage {
    var items: [BoardItem] { get }
    init(_ items: [BoardItem])
}

extension ItemListMessage {
    static func listSchema(_ name: String) -> MessageSchema {
        MessageSchema(name, [FieldSchema("items", 1, .message { ItemMessage.schema }, .repeated)])
    }

    public init(from decoder: any Decoder) throws {
        self.init(try ProtoReader(decoder, Self.schema).repeated("items", of: ItemMessage.self).map(\.item))
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("items", items.map(ItemMessage.init))
    }
}

/// `bulletin.v1.StoreRequest`.
public struct StoreRequest: ItemListMessage, Equatable {
    public static let schema = listSchema("bulletin.v1.StoreRequest")
    public var items: [BoardItem]
    public init(_ items: [BoardItem]) { self.items = items }
}

/// `bulletin.v1.ReadResponse`.
public struct ReadResponse: ItemListMessage, Equatable {
    public static let schema = listSchema("bulletin.v1.ReadResponse")
    public var items: [BoardItem]
    public init(_ items: [BoardItem]) { self.items = items }
}

/// `bulletin.v1.StoreResponse`.
public struct StoreResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.StoreResponse", [FieldSchema("stored", 1, .int32)])
    public var stored: Int32

    public init(stored: Int32) { self.stored = stored }

    public init(from decoder: any Decoder) throws { stored = try ProtoReader(decoder, Self.schema).int32("stored") ?? 0 }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("stored", stored)
    }
}

/// `bulletin.v1.OriginDigest`.
struct OriginDigestMessage: ProtoMessage, Equatable {
    static let schema = MessageSchema("bulletin.v1.OriginDigest", [
        FieldSchema("origin", 1, .string), FieldSchema("contiguous", 2, .uint64), FieldSchema("above", 3, .uint64, .repeated),
    ])
    var origin: String
    var digest: BoardDigest.Origin

    init(origin: String, digest: BoardDigest.Origin) {
        self.origin = origin
        self.digest = digest
    }

    init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        origin = try r.string("origin") ?? ""
        let above = try r.repeatedInt64("above")
        guard above.allSatisfy({ $0 >= 0 }) else { throw ConnectError(.invalidArgument, "field \"above\" holds uint64 values") }
        digest = BoardDigest.Origin(contiguous: try r.uint64("contiguous") ?? 0, above: above.map { UInt64($0) })
    }

    func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("origin", origin)
        try w.write("contiguous", digest.contiguous)
        try w.write("above", digest.above.map { Int64(clamping: $0) })
    }
}

/// `bulletin.v1.PullRequest`.
public struct PullRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.PullRequest", [
        FieldSchema("digest", 1, .message { OriginDigestMessage.schema }, .repeated), FieldSchema("limit", 2, .int32, minimum: 0),
    ])
    public var digest: BoardDigest
    public var limit: Int32

    public init(digest: BoardDigest, limit: Int32 = 0) {
        self.digest = digest
        self.limit = limit
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        let origins = try r.repeated("digest", of: OriginDigestMessage.self)
        digest = BoardDigest(origins: Dictionary(origins.map { ($0.origin, $0.digest) }, uniquingKeysWith: { a, _ in a }))
        limit = try r.int32("limit") ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("digest", digest.origins.sorted { $0.key < $1.key }.map { OriginDigestMessage(origin: $0.key, digest: $0.value) })
        try w.write("limit", limit)
    }
}

/// `bulletin.v1.PullResponse`.
public struct PullResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.PullResponse", [
        FieldSchema("items", 1, .message { ItemMessage.schema }, .repeated), FieldSchema("more", 2, .bool),
    ])
    public var items: [BoardItem]
    public var more: Bool

    public init(items: [BoardItem], more: Bool) {
        self.items = items
        self.more = more
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        items = try r.repeated("items", of: ItemMessage.self).map(\.item)
        more = try r.bool("more") ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("items", items.map(ItemMessage.init))
        try w.write("more", more)
    }
}

/// `bulletin.v1.ReadRequest`.
public struct ReadRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.ReadRequest", [
        FieldSchema("before", 1, .int64), FieldSchema("page_size", 2, .int32), FieldSchema("thread_id", 3, .int64),
    ])
    public var before: Int64
    public var pageSize: Int32
    public var threadId: Int64

    public init(before: Int64 = 0, pageSize: Int32 = 0, threadId: Int64 = 0) {
        self.before = before
        self.pageSize = pageSize
        self.threadId = threadId
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        before = try r.int64("before") ?? 0
        pageSize = try r.int32("pageSize") ?? 0
        threadId = try r.int64("threadId") ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("before", before)
        try w.write("pageSize", pageSize)
        try w.write("threadId", threadId)
    }
}
