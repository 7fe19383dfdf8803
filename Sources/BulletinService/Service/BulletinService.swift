import Foundation
import BulletinCore
public import RPC

/// `bulletin.v1.Bulletin`: the client-facing API over one consistency mode.
///
/// Validation happens before any effect: empty or oversize author/title/body, a bad page
/// token or session → `invalid_argument` naming the field; an unknown parent or id → `not_found`.
public struct BulletinService: BulletinV1.Bulletin.ServiceProtocol {
    /// Field size limits in UTF-8 bytes.
    public struct Limits: Sendable {
        public var author: Int
        public var title: Int
        public var body: Int

        public init(author: Int = 256, title: Int = 1024, body: Int = 64 << 10) {
            self.author = author
            self.title = title
            self.body = body
        }
    }

    let mode: any ConsistencyMode
    let limits: Limits

    public init(mode: any ConsistencyMode, limits: Limits = Limits()) {
        self.mode = mode
        self.limits = limits
    }

    public func post(_ request: BulletinV1.PostRequest, context: RPCContext) async throws -> BulletinV1.PostResponse {
        try Self.check("author", request.author, limit: limits.author)
        try Self.check("title", request.title, limit: limits.title)
        try Self.check("body", request.body, limit: limits.body)
        let session = try Self.session(request.session)
        let draft = BulletinDraft(kind: .article, author: request.author, title: request.title, body: request.body,
                               requestId: request.requestId.given ?? UUID().uuidString, createdAtMs: Self.nowMs())
        let item = try await mode.post(draft, session: session)
        return BulletinV1.PostResponse(article: BulletinV1.Article(item, replyCount: 0), session: Self.token(session, item))
    }

    public func reply(_ request: BulletinV1.ReplyRequest, context: RPCContext) async throws -> BulletinV1.ReplyResponse {
        guard request.parentId > 0 else { throw ConnectError(.invalidArgument, "missing required field \"parentId\"") }
        try Self.check("author", request.author, limit: limits.author)
        try Self.check("body", request.body, limit: limits.body)
        let session = try Self.session(request.session)
        let draft = BulletinDraft(kind: .reply, parentId: request.parentId, author: request.author, body: request.body,
                               requestId: request.requestId.given ?? UUID().uuidString, createdAtMs: Self.nowMs())
        let item = try await mode.reply(draft, session: session)
        return BulletinV1.ReplyResponse(reply: BulletinV1.Reply(item), session: Self.token(session, item))
    }

    public func list(_ request: BulletinV1.ListRequest, context: RPCContext) async throws -> BulletinV1.ListResponse {
        guard request.pageSize >= 0, request.pageSize <= 1000 else {
            throw ConnectError(.invalidArgument, "field \"pageSize\" must be between 0 and 1000")
        }
        var cursor: Int64?
        if !request.pageToken.isEmpty {
            guard request.pageToken.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let value = Int64(request.pageToken), value > 0 else {
                throw ConnectError(.invalidArgument, "field \"pageToken\" is not a token this service issued")
            }
            cursor = value
        }
        let session = try Self.session(request.session)
        let page = try await mode.page(before: cursor, size: request.pageSize == 0 ? 20 : Int(request.pageSize), session: session)
        return BulletinV1.ListResponse(articles: page.articles.map { BulletinV1.Article($0.article, replyCount: $0.replyCount) },
                                       nextPageToken: page.next.map(String.init) ?? "",
                                       session: session.merging(try await mode.replica.readDurably { $0.vector }).token)
    }

    public func get(_ request: BulletinV1.GetRequest, context: RPCContext) async throws -> BulletinV1.GetResponse {
        guard request.id > 0 else { throw ConnectError(.invalidArgument, "missing required field \"id\"") }
        let session = try Self.session(request.session)
        guard let thread = try await mode.thread(request.id, session: session) else {
            throw ConnectError(.notFound, "no article or reply with id \(request.id)")
        }
        return BulletinV1.GetResponse(article: BulletinV1.Article(thread.article, replyCount: thread.replyCount),
                                      replies: thread.replies.map(BulletinV1.Reply.init), session: session.merging(try await mode.replica.readDurably { $0.vector }).token)
    }

    public func sync(_ request: BulletinV1.SyncRequest, context: RPCContext) async throws -> BulletinV1.SyncResponse {
        let pulled = try await mode.sync()
        return BulletinV1.SyncResponse(pulled: Int32(clamping: pulled), session: try await mode.replica.readDurably { $0.vector }.token)
    }

    public func watch(_ request: BulletinV1.WatchRequest, context: RPCContext) async throws -> AsyncThrowingStream<BulletinV1.WatchEvent, any Error> {
        guard request.afterId >= 0 else { throw ConnectError(.invalidArgument, "field \"afterId\" must not be negative") }
        return .mapping(mode.replica.watch(after: request.afterId)) { BulletinV1.WatchEvent($0) }
    }

    static func check(_ field: String, _ value: String, limit: Int) throws {
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ConnectError(.invalidArgument, "missing required field \"\(field)\"")
        }
        guard value.utf8.count <= limit else {
            throw ConnectError(.invalidArgument, "field \"\(field)\" is \(value.utf8.count) bytes; the limit is \(limit)")
        }
    }

    /// An empty token is no session.
    static func session(_ token: String) throws -> VersionVector {
        guard !token.isEmpty else { return VersionVector() }
        guard let vector = VersionVector(token: token) else {
            throw ConnectError(.invalidArgument, "field \"session\" is not a token this service issued")
        }
        return vector
    }

    /// The caller's session plus the item it just wrote.
    static func token(_ session: VersionVector, _ item: BulletinItem) -> String {
        var written = VersionVector()
        written[item.origin] = item.seq
        return session.merging(written).token
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
