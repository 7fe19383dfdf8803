package import BulletinCore

/// A post or reply as a client asked for it, before a replica gives it an id.
package struct BulletinDraft: Sendable, Equatable, Codable {
    package var kind: BulletinItem.Kind
    package var parentId: Int64
    package var articleId: Int64
    package var author: String
    package var title: String
    package var body: String
    package var requestId: String?
    /// Stamped by the replica that accepted the request.
    package var createdAtMs: Int64

    package init(kind: BulletinItem.Kind, parentId: Int64 = 0, articleId: Int64 = 0, author: String, title: String = "", body: String,
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
