public import BulletinCore
public import RPC

/// `bulletin.v1.Article`.
public struct ArticleMessage: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.Article", [
        FieldSchema("id", 1, .int64), FieldSchema("author", 2, .string), FieldSchema("title", 3, .string),
        FieldSchema("body", 4, .string), FieldSchema("created_at_ms", 5, .int64), FieldSchema("reply_count", 6, .int32),
    ])

    public var id: Int64
    public var author: String
    public var title: String
    public var body: String
    public var createdAtMs: Int64
    public var replyCount: Int32

    public init(_ item: BoardItem, replyCount: Int) {
        id = item.id
        author = item.author
        title = item.title
        body = item.body
        createdAtMs = item.createdAtMs
        self.replyCount = Int32(clamping: replyCount)
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        id = try r.int64("id") ?? 0
        author = try r.string("author") ?? ""
        title = try r.string("title") ?? ""
        body = try r.string("body") ?? ""
        createdAtMs = try r.int64("createdAtMs") ?? 0
        replyCount = try r.int32("replyCount") ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("id", id)
        try w.write("author", author)
        try w.write("title", title)
        try w.write("body", body)
        try w.write("createdAtMs", createdAtMs)
        try w.write("replyCount", replyCount)
    }
}

/// `bulletin.v1.Reply`.
public struct ReplyMessage: ProtoMessage, Equatable {
    public static let schema: MessageSchema = MessageSchema("bulletin.v1.Reply", [
        FieldSchema("id", 1, .int64), FieldSchema("parent_id", 2, .int64), FieldSchema("article_id", 3, .int64),
        FieldSchema("author", 4, .string), FieldSchema("body", 5, .string), FieldSchema("created_at_ms", 6, .int64),
        FieldSchema("replies", 7, .message { ReplyMessage.schema }, .repeated),
    ])

    public var id: Int64
    public var parentId: Int64
    public var articleId: Int64
    public var author: String
    public var body: String
    public var createdAtMs: Int64
    public var replies: [ReplyMessage]

    public init(_ item: BoardItem, replies: [ReplyMessage] = []) {
        id = item.id
        parentId = item.parentId
        articleId = item.articleId
        author = item.author
        body = item.body
        createdAtMs = item.createdAtMs
        self.replies = replies
    }

    public init(_ tree: ReplyTree) {
        self.init(tree.reply, replies: tree.replies.map(ReplyMessage.init))
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        id = try r.int64("id") ?? 0
        parentId = try r.int64("parentId") ?? 0
        articleId = try r.int64("articleId") ?? 0
        author = try r.string("author") ?? ""
        body = try r.string("body") ?? ""
        createdAtMs = try r.int64("createdAtMs") ?? 0
        replies = try r.repeated("replies")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("id", id)
        try w.write("parentId", parentId)
        try w.write("articleId", articleId)
        try w.write("author", author)
        try w.write("body", body)
        try w.write("createdAtMs", createdAtMs)
        try w.write("replies", replies)
    }
}

/// `bulletin.v1.WatchEvent`: exactly one of `article` and `reply`.
public struct WatchEvent: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.WatchEvent", [
        FieldSchema("article", 1, .message { ArticleMessage.schema }), FieldSchema("reply", 2, .message { ReplyMessage.schema }),
    ])

    public var article: ArticleMessage?
    public var reply: ReplyMessage?

    public init(_ item: BoardItem) {
        switch item.kind {
        case .article: article = ArticleMessage(item, replyCount: 0)
        case .reply: reply = ReplyMessage(item)
        }
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        article = try r.decode("article")
        reply = try r.decode("reply")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("article", article)
        try w.write("reply", reply)
    }
}
