/// An article or a reply, immutable once written.
///
/// `id` orders items (newest has the highest) and is unique across the board. `origin` and
/// `seq` say which replica first accepted the item and its position in that replica's
/// sequence: replication and session tokens track progress per origin.
package struct BulletinItem: Sendable, Equatable, Codable {
    package enum Kind: String, Sendable, Codable { case article, reply }

    package var id: Int64
    package var kind: Kind
    /// The item a reply answers (an article or another reply); 0 for an article.
    package var parentId: Int64
    /// The article at the root of a reply's thread; the item's own id for an article.
    package var articleId: Int64
    package var author: String
    package var title: String
    package var body: String
    package var createdAtMs: Int64
    package var origin: String
    package var seq: UInt64
    package var requestId: String?

    package init(id: Int64, kind: Kind, parentId: Int64 = 0, articleId: Int64 = 0, author: String, title: String = "",
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
package struct ArticleSummary: Sendable, Equatable {
    package var article: BulletinItem
    package var replyCount: Int
}

/// A reply and the replies that answer it, oldest first.
package struct ReplyTree: Sendable, Equatable {
    package var reply: BulletinItem
    package var replies: [ReplyTree]
}

/// An article with its whole reply tree.
package struct ArticleThread: Sendable, Equatable {
    package var article: BulletinItem
    package var replies: [ReplyTree]
    package var replyCount: Int
}
