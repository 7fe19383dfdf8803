public import BulletinCore

/// A post or reply as a client asked for it, before a replica gives it an id.
public struct BulletinDraft: Sendable, Equatable, Codable {
    public var kind: BulletinItem.Kind
    public var parentId: Int64
    public var articleId: Int64
    public var author: String
    public var title: String
    public var body: String
    public var requestId: String?
    /// Stamped by the replica that accepted the request.
    public var createdAtMs: Int64

    public init(kind: BulletinItem.Kind, parentId: Int64 = 0, articleId: Int64 = 0, author: String, title: String = "", body: String,
                requestId: String?, createdAtMs: Int64) {
        self.kind = kind
        self.parentId = parentId
        self.articleId = articleId
        self.author = author
        self.title = title
        self.body = body
        self.requestId = requestId
        self.createdAtMs = createdAtMs
    }

    func item(id: Int64, origin: String, seq: UInt64) -> BulletinItem {
        BulletinItem(id: id, kind: kind, parentId: parentId, articleId: articleId, author: author, title: title, body: body,
                  createdAtMs: createdAtMs, origin: origin, seq: seq, requestId: requestId)
    }
}
