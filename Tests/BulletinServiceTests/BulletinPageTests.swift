import Testing
@testable import BulletinService

/// The page is built from the files in `Sources/BulletinService/Embedded` (embedded at build time).
struct BulletinPageTests {
    @Test func theEmbeddedFilesMakeOneCompletePage() {
        let page = String(decoding: BulletinPage.html(nodeID: "n<2>", mode: "quorum",
                                                   members: [("n1", "127.0.0.1:1"), ("n<2>", "127.0.0.1:2")]), as: UTF8.self)
        #expect(!page.contains("{{"), "every placeholder is filled")
        #expect(page.hasPrefix("<!doctype html>"))
        #expect(page.contains("<style>\n  :root {"), "the style sheet is inline")
        #expect(page.contains("</style>") && page.contains("<script>") && page.contains("</script>"))
        #expect(page.contains("fetch("), "the script is inline")
        #expect(page.contains("<title>Bulletin — n&lt;2&gt;</title>"), "the node id is escaped")
        #expect(page.contains("<option value=\"127.0.0.1:2\" selected>n&lt;2&gt; — 127.0.0.1:2</option>"))
        #expect(String(decoding: BulletinPage.favicon, as: UTF8.self).hasPrefix("<svg "))
    }
}
