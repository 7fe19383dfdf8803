extension Bulletin {
    /// Up to `size` articles older than `cursor` (all when nil), newest first, and the cursor for
    /// the next page when more remain.
    public func page(before cursor: Int64?, size: Int) -> (articles: [ArticleSummary], next: Int64?) {
        let end = cursor.map { Self.insertionPoint(articleIDs, $0) } ?? articleIDs.count
        let start = max(0, end - size)
        let ids = articleIDs[start..<end].reversed()
        let articles = ids.compactMap { id in items[id].map { ArticleSummary(article: $0, replyCount: replyCounts[id] ?? 0) } }
        return (articles, start > 0 ? articleIDs[start] : nil)
    }

    /// The thread holding `id` (an article, or a reply anywhere in its tree).
    public func thread(_ id: Int64) -> ArticleThread? {
        guard let item = items[id], let article = items[item.articleId] else { return nil }
        return ArticleThread(article: article, replies: replies(to: article.id), replyCount: replyCounts[article.id] ?? 0)
    }

    func replies(to parent: Int64) -> [ReplyTree] {
        (children[parent] ?? []).compactMap { id in items[id].map { ReplyTree(reply: $0, replies: replies(to: id)) } }
    }

    /// The articles of a page and all their replies: what a replica contributes to a merged read.
    public func pageItems(before cursor: Int64?, size: Int) -> [BulletinItem] {
        page(before: cursor, size: size).articles.flatMap { threadItems($0.article.id) }
    }

    /// The article holding `id` and every reply in its tree (empty when unknown).
    public func threadItems(_ id: Int64) -> [BulletinItem] {
        guard let item = items[id] else { return [] }
        guard let article = items[item.articleId] else { return [item] }
        var out = [article]
        var stack = children[article.id] ?? []
        while let next = stack.popLast() {
            if let reply = items[next] { out.append(reply) }
            stack.append(contentsOf: children[next] ?? [])
        }
        return out
    }

    /// Every item with an id above `id`, in id order (a Watch's catch-up).
    public func items(after id: Int64) -> [BulletinItem] {
        items.values.filter { $0.id > id }.sorted { $0.id < $1.id }
    }
}
