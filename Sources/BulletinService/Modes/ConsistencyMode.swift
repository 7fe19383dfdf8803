public import BulletinCore
import RPC

/// One consistency mode's answers to the bulletin API. `session` is the caller's session
/// vector (empty when none was given).
public protocol ConsistencyMode: Sendable {
    var replica: BulletinReplica { get }
    /// Makes `draft` an item and returns it once the mode's write guarantee holds (read-your-writes:
    /// after this replica includes `session`, so the post orders after what the client saw).
    func post(_ draft: BulletinDraft, session: VersionVector) async throws -> BulletinItem
    /// Makes a reply to `draft.parentId` (`not_found` when no such item exists).
    func reply(_ draft: BulletinDraft, session: VersionVector) async throws -> BulletinItem
    func page(before cursor: Int64?, size: Int, session: VersionVector) async throws -> (articles: [ArticleSummary], next: Int64?)
    func thread(_ id: Int64, session: VersionVector) async throws -> ArticleThread?
    /// Pulls what this replica is missing now; returns how many items it gained.
    func sync() async throws -> Int
    /// Background work (anti-entropy, elections); runs until cancelled.
    func run() async
}

extension ConsistencyMode {
    /// A reply posted as this mode posts, in the thread of `parent` (`not_found` when there is
    /// none): for the modes whose replies are posts once the parent is found.
    func postReply(_ draft: BulletinDraft, parent: BulletinItem?, session: VersionVector) async throws -> BulletinItem {
        guard let parent else { throw ConnectError(.notFound, "parent \(draft.parentId) does not exist") }
        var draft = draft
        draft.articleId = parent.articleId
        return try await post(draft, session: session)
    }
}
