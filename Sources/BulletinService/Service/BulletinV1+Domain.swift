public import BulletinCore
public import RPC

// Conversions between the generated `bulletin.v1` messages and the board's values.

extension BulletinV1.Item {
    public init(_ item: BulletinItem) {
        self.init(id: item.id, kind: item.kind.rawValue, parentId: item.parentId, articleId: item.articleId, author: item.author,
                  title: item.title, body: item.body, createdAtMs: item.createdAtMs, origin: item.origin, seq: item.seq,
                  requestId: item.requestId ?? "")
    }

    /// The board item; a `kind` other than article or reply is `invalid_argument`.
    public func boardItem() throws(ConnectError) -> BulletinItem {
        guard let kind = BulletinItem.Kind(rawValue: kind) else {
            throw ConnectError(.invalidArgument, "field \"kind\": expected \"article\" or \"reply\", got \"\(self.kind)\"")
        }
        return BulletinItem(id: id, kind: kind, parentId: parentId, articleId: articleId, author: author, title: title, body: body,
                         createdAtMs: createdAtMs, origin: origin, seq: seq, requestId: requestId.given)
    }
}

extension [BulletinV1.Item] {
    public init(_ items: [BulletinItem]) { self = items.map(BulletinV1.Item.init) }

    /// Every item as the board's; one bad kind refuses them all.
    public func boardItems() throws(ConnectError) -> [BulletinItem] {
        var out: [BulletinItem] = []
        out.reserveCapacity(count)
        for item in self { out.append(try item.boardItem()) }
        return out
    }
}

extension BulletinV1.PullRequest {
    /// The digest as one entry per origin, in origin order.
    public init(digest: BulletinDigest, limit: Int32 = 0) {
        self.init(digest: digest.origins.sorted { $0.key < $1.key }.map {
            BulletinV1.OriginDigest(origin: $0.key, contiguous: $0.value.contiguous, above: $0.value.above)
        }, limit: limit)
    }

    /// The digest (of an origin given twice, the first counts).
    public var boardDigest: BulletinDigest {
        BulletinDigest(origins: Dictionary(digest.map { ($0.origin, BulletinDigest.Origin(contiguous: $0.contiguous, above: $0.above)) },
                                        uniquingKeysWith: { first, _ in first }))
    }
}

extension BulletinV1.Article {
    public init(_ item: BulletinItem, replyCount: Int) {
        self.init(id: item.id, author: item.author, title: item.title, body: item.body, createdAtMs: item.createdAtMs,
                  replyCount: Int32(clamping: replyCount))
    }
}

extension BulletinV1.Reply {
    public init(_ item: BulletinItem, replies: [BulletinV1.Reply] = []) {
        self.init(id: item.id, parentId: item.parentId, articleId: item.articleId, author: item.author, body: item.body,
                  createdAtMs: item.createdAtMs, replies: replies)
    }

    public init(_ tree: ReplyTree) {
        self.init(tree.reply, replies: tree.replies.map(BulletinV1.Reply.init))
    }
}

extension BulletinV1.WatchEvent {
    public init(_ item: BulletinItem) {
        switch item.kind {
        case .article: self.init(article: BulletinV1.Article(item, replyCount: 0))
        case .reply: self.init(reply: BulletinV1.Reply(item))
        }
    }
}
