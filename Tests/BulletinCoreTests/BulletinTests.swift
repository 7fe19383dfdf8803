import Testing
import BulletinCore

struct BulletinTests {
    static func article(_ id: Int64, origin: String = "a", seq: UInt64? = nil) -> BulletinItem {
        BulletinItem(id: id, kind: .article, author: "ann", title: "t\(id)", body: "b", createdAtMs: id, origin: origin, seq: seq ?? UInt64(id))
    }

    static func reply(_ id: Int64, to parent: Int64, article: Int64, origin: String = "b", seq: UInt64) -> BulletinItem {
        BulletinItem(id: id, kind: .reply, parentId: parent, articleId: article, author: "bob", body: "r\(id)", createdAtMs: id,
                  origin: origin, seq: seq)
    }

    static let sample: [BulletinItem] = [
        article(1), article(2), article(3),
        reply(10, to: 1, article: 1, seq: 1), reply(11, to: 10, article: 1, seq: 2), reply(12, to: 1, article: 1, seq: 3),
        reply(13, to: 3, article: 3, seq: 4),
    ]

    @Test func insertionOrderDoesNotMatter() {
        var reference = Bulletin()
        for item in Self.sample { reference.insert(item) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var board = Bulletin()
            for item in Self.sample.shuffled(using: &generator) { board.insert(item) }
            #expect(board.page(before: nil, size: 10).articles == reference.page(before: nil, size: 10).articles)
            #expect(board.thread(11) == reference.thread(11))
            #expect(board.vector == reference.vector)
        }
    }

    @Test func threadsNestAndCount() throws {
        var board = Bulletin()
        for item in Self.sample { board.insert(item) }
        let thread = try #require(board.thread(11))
        #expect(thread.article.id == 1)
        #expect(thread.replyCount == 3)
        #expect(thread.replies.map(\.reply.id) == [10, 12])
        #expect(thread.replies[0].replies.map(\.reply.id) == [11])
        #expect(board.thread(99) == nil)
        #expect(Set(board.threadItems(1).map(\.id)) == [1, 10, 11, 12])
    }

    @Test func pagesNewestFirstWithCursor() {
        var board = Bulletin()
        for id in 1...25 { board.insert(Self.article(Int64(id))) }
        let first = board.page(before: nil, size: 10)
        #expect(first.articles.map(\.article.id) == Array((16...25).reversed()))
        #expect(first.next == 16)
        let last = board.page(before: 6, size: 10)
        #expect(last.articles.map(\.article.id) == [5, 4, 3, 2, 1])
        #expect(last.next == nil)
    }

    @Test func insertIsIdempotentAndRemembersRequests() {
        var board = Bulletin(maxRequests: 2)
        var item = Self.article(1)
        item.requestId = "r1"
        let first = board.insert(item)
        let again = board.insert(item)
        #expect(first && !again)
        #expect(board.item(requestId: "r1")?.id == 1)
        for id in 2...3 {
            var next = Self.article(Int64(id))
            next.requestId = "r\(id)"
            board.insert(next)
        }
        #expect(board.item(requestId: "r1") == nil)   // forgotten: the window holds 2
        #expect(board.item(requestId: "r3")?.id == 3)
    }

    @Test func digestNamesExactlyWhatIsMissing() {
        var full = Bulletin()
        for item in Self.sample { full.insert(item) }
        var partial = Bulletin()
        for item in Self.sample where item.id != 2 && item.id != 11 { partial.insert(item) }
        #expect(partial.held("a") == 1)        // holds 1 and 3 of origin a: prefix is 1
        #expect(partial.held("b") == 1)
        let missing = full.missing(from: partial.digest)
        #expect(missing.map(\.id).sorted() == [2, 11])
        for item in missing { partial.insert(item) }
        #expect(partial.vector == full.vector)
        #expect(full.missing(from: partial.digest).isEmpty)
    }

    @Test func sessionTokenRoundTrips() {
        let vector = VersionVector(["n2": 4, "n1": 7])
        #expect(vector.token == "n1=7&n2=4")
        #expect(VersionVector(token: vector.token) == vector)
        #expect(VersionVector(token: "") == VersionVector())
        #expect(VersionVector(token: "n1") == nil)
        #expect(VersionVector(token: "n1=x") == nil)
        #expect(VersionVector(["n1": 7]).includes(VersionVector(["n1": 6])))
        #expect(!VersionVector(["n1": 7]).includes(VersionVector(["n2": 1])))
        #expect(vector.merging(VersionVector(["n1": 9, "n3": 1])) == VersionVector(["n1": 9, "n2": 4, "n3": 1]))
    }
}

/// The board's snapshot image: a board restored from it holds and answers exactly the same,
/// request-id memory included; damaged images are refused, not misread.
struct BulletinImageTests {
    @Test func imagesRoundTripExactly() throws {
        var board = Bulletin(maxRequests: 3)
        for index in 1...6 {
            board.insert(BulletinItem(id: Int64(index), kind: .article, author: "a\(index)", title: "t", body: "b é ✓ \(index)",
                                   createdAtMs: 7, origin: "log", seq: UInt64(index), requestId: index % 2 == 0 ? "r\(index)" : nil))
        }
        board.insert(BulletinItem(id: 7, kind: .reply, parentId: 2, articleId: 2, author: "x", body: "reply", createdAtMs: 8, origin: "log", seq: 7,
                               requestId: "r7"))
        let bytes = board.image.encoded()
        let restored = Bulletin(image: try Bulletin.Image(encoded: bytes))
        #expect(restored.image == board.image)
        #expect(restored.items(after: 0) == board.items(after: 0))
        #expect(restored.item(requestId: "r7")?.id == 7 && restored.item(requestId: "r2") == nil, "the ring of 3 forgot r2")
        #expect(restored.thread(2)?.replies.count == 1)
        #expect(throws: Bulletin.Image.ImageError.self) { try Bulletin.Image(encoded: Array(bytes.dropLast(3))) }
        #expect(throws: Bulletin.Image.ImageError.self) { try Bulletin.Image(encoded: Array("BRD1".utf8) + [UInt8](repeating: 0xFF, count: 24)) }
    }
}
