public import RPC

/// `bulletin.v1.PostResponse`.
public struct PostResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.PostResponse", [
        FieldSchema("article", 1, .message { ArticleMessage.schema }), FieldSchema("session", 2, .string),
    ])
    public var article: ArticleMessage?
    public var session: String

    public init(article: ArticleMessage, session: String) {
        self.article = article
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        article = try r.decode("article")
        session = try r.string("session") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("article", article)
        try w.write("session", session)
    }
}

/// `bulletin.v1.ReplyResponse`.
public struct ReplyResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.ReplyResponse", [
        FieldSchema("reply", 1, .message { ReplyMessage.schema }), FieldSchema("session", 2, .string),
    ])
    public var reply: ReplyMessage?
    public var session: String

    public init(reply: ReplyMessage, session: String) {
        self.reply = reply
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        reply = try r.decode("reply")
        session = try r.string("session") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("reply", reply)
        try w.write("session", session)
    }
}

/// `bulletin.v1.ListResponse`.
public struct ListResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.ListResponse", [
        FieldSchema("articles", 1, .message { ArticleMessage.schema }, .repeated), FieldSchema("next_page_token", 2, .string),
        FieldSchema("session", 3, .string),
    ])
    public var articles: [ArticleMessage]
    public var nextPageToken: String
    public var session: String

    public init(articles: [ArticleMessage], nextPageToken: String, session: String) {
        self.articles = articles
        self.nextPageToken = nextPageToken
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        articles = try r.repeated("articles")
        nextPageToken = try r.string("nextPageToken") ?? ""
        session = try r.string("session") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("articles", articles)
        try w.write("nextPageToken", nextPageToken)
        try w.write("session", session)
    }
}

/// `bulletin.v1.GetResponse`.
public struct GetResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.GetResponse", [
        FieldSchema("article", 1, .message { ArticleMessage.schema }),
        FieldSchema("replies", 2, .message { ReplyMessage.schema }, .repeated), FieldSchema("session", 3, .string),
    ])
    public var article: ArticleMessage?
    public var replies: [ReplyMessage]
    public var session: String

    public init(article: ArticleMessage, replies: [ReplyMessage], session: String) {
        self.article = article
        self.replies = replies
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        article = try r.decode("article")
        replies = try r.repeated("replies")
        session = try r.string("session") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("article", article)
        try w.write("replies", replies)
        try w.write("session", session)
    }
}

/// `bulletin.v1.SyncResponse`.
public struct SyncResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("bulletin.v1.SyncResponse", [
        FieldSchema("pulled", 1, .int32), FieldSchema("session", 2, .string),
    ])
    public var pulled: Int32
    public var session: String

    public init(pulled: Int32, session: String) {
        self.pulled = pulled
        self.session = session
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        pulled = try r.int32("pulled") ?? 0
        session = try r.string("session") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("pulled", pulled)
        try w.write("session", session)
    }
}
