/// An article or a reply, immutable once written.
///
/// `id` orders items (newest has the highest) and is unique across the board. `origin` and
/// `seq` say which replica first accepted the item and its position in that replica's
/// sequence: replication and session tokens track progress per origin.
public struct BulletinItem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case article, reply }

    public var id: Int64
    public var kind: Kind
    /// The item a reply answers (an article or another reply); 0 for an article.
    public var parentId: Int64
    /// The article at the root of a reply's thread; the item's own id for an article.
    public var articleId: Int64
    public var author: String
    public var title: String
    public var body: String
    public var createdAtMs: Int64
    public var origin: String
    public var seq: UInt64
    public var requestId: String?

    public init(id: Int64, kind: Kind, parentId: Int64 = 0, articleId: Int64 = 0, author: String, title: String = "",
                body: String, createdAtMs: Int64, origin: String, seq: UInt64, requestId: String? = nil) {
        self.id = id
        self.kind = kind
        self.parentId = parentId
        self.articleId = kind == .article ? id : articleId
        self.author = author
        self.title = title
        self.body = body
        self.createdAtMs = createdAtMs
        self.origin = origin
        self.seq = seq
        self.requestId = requestId
    }
}

/// An article as `List` shows it.
public struct ArticleSummary: Sendable, Equatable {
    public var article: BulletinItem
    public var replyCount: Int
}

/// A reply and the replies that answer it, oldest first.
public struct ReplyTree: Sendable, Equatable {
    public var reply: BulletinItem
    public var replies: [ReplyTree]
}

/// An article with its whole reply tree.
public struct ArticleThread: Sendable, Equatable {
    public var article: BulletinItem
    public var replies: [ReplyTree]
    public var replyCount: Int
}
