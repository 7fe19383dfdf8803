import Testing
@testable import RPC

/// Feeds `text` to a fresh parser in pieces of `chunk` bytes and collects every event.
func parseAll(_ text: String, chunk: Int = .max, limits: HTTPRequestParser.Limits = .init()) -> [HTTPRequestParser.Event] {
    parseAll(Array(text.utf8), chunk: chunk, limits: limits)
}

func parseAll(_ bytes: [UInt8], chunk: Int = .max, limits: HTTPRequestParser.Limits = .init()) -> [HTTPRequestParser.Event] {
    var parser = HTTPRequestParser(limits: limits)
    var events: [HTTPRequestParser.Event] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + max(1, chunk))
        parser.append(Array(bytes[offset..<end]))
        offset = end
        while let event = parser.next() { events.append(event) }
    }
    return events
}

func requests(_ events: [HTTPRequestParser.Event]) -> [HTTPRequest] {
    events.compactMap { if case .request(let request) = $0 { request } else { nil } }
}

struct HTTPRequestParserTests {
    static let post = "POST /a.v1.S/M HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
    static let chunked = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n"

    @Test func parsesASimplePost() throws {
        let parsed = requests(parseAll(Self.post))
        #expect(parsed.count == 1)
        let request = try #require(parsed.first)
        #expect(request.method == "POST")
        #expect(request.path == "/a.v1.S/M")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["CONTENT-TYPE"] == "application/json")
        #expect(String(decoding: request.body, as: UTF8.self) == "{\"a\":1}")
        #expect(request.keepAlive)
    }

    /// Should produce the same request however the bytes are split.
    @Test func splitAtEveryByteBoundary() {
        let whole = Array((Self.post + Self.chunked).utf8)
        let expected = requests(parseAll(whole))
        #expect(expected.count == 2)
        for split in 1..<whole.count {
            var parser = HTTPRequestParser()
            var got: [HTTPRequest] = []
            parser.append(Array(whole[..<split]))
            while let event = parser.next() { if case .request(let r) = event { got.append(r) } }
            parser.append(Array(whole[split...]))
            while let event = parser.next() { if case .request(let r) = event { got.append(r) } }
            #expect(got == expected, "split at \(split)")
        }
        #expect(requests(parseAll(whole, chunk: 1)) == expected)
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let text = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n" + Self.post + "GET /4 HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(requests(parseAll(text)).map(\.target) == ["/1", "/2", "/a.v1.S/M", "/4"])
    }

    @Test func chunkedBodyIsDecoded() throws {
        let request = try #require(requests(parseAll(Self.chunked)).first)
        #expect(String(decoding: request.body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
    }

    /// A body the handler never looks at must not be parsed as the next request.
    @Test func unreadBodyNeverBecomesTheNextRequest() {
        let sneaky = "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 35\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\nGET /real HTTP/1.1\r\nHost: x\r\n\r\n"
        let parsed = requests(parseAll(sneaky))
        #expect(parsed.map(\.target) == ["/x", "/real"])
    }

    @Test func expectContinueIsReportedBeforeTheBody() {
        var parser = HTTPRequestParser()
        parser.append(Array("POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        #expect(parser.next() == .continueExpected)
        #expect(parser.next() == nil)
        parser.append(Array("ok".utf8))
        guard case .request(let request) = parser.next() else { Issue.record("no request"); return }
        #expect(request.body == Array("ok".utf8))
    }

    @Test func connectionCloseAndHTTP10() throws {
        let close = try #require(requests(parseAll("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).first)
        #expect(!close.keepAlive)
        let old = try #require(requests(parseAll("GET / HTTP/1.0\r\n\r\n")).first)
        #expect(!old.keepAlive)
        let oldKeep = try #require(requests(parseAll("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).first)
        #expect(oldKeep.keepAlive)
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", HTTPParseError.malformedRequestLine),
        ("GET /x\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("GET  /x HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("GET x HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost),
        ("GET / HTTP/1.1\r\nHost x\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: x\nBad: y\r\n\r\n", .malformedHeader),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .conflictingFraming),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", .conflictingFraming),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .malformedChunk),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n", .malformedChunk),
        ("POST / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 1\r\n\r\n", .unsupportedExpectation),
    ])
    func malformedInputFails(_ text: String, _ error: HTTPParseError) {
        #expect(parseAll(text).last == .failed(error))
    }

    @Test func statusForEachError() {
        #expect(HTTPParseError.malformedHeader.status.code == 400)
        #expect(HTTPParseError.headerTooLarge.status.code == 431)
        #expect(HTTPParseError.bodyTooLarge.status.code == 413)
        #expect(HTTPParseError.unsupportedVersion.status.code == 505)
    }

    @Test func headerSectionOver16KiBIs431() {
        let big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 17 * 1024) + "\r\n\r\n"
        #expect(parseAll(big).last == .failed(.headerTooLarge))
        // Also when the terminator never arrives.
        let endless = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 17 * 1024)
        #expect(parseAll(endless, chunk: 1000).last == .failed(.headerTooLarge))
    }

    /// A Connect GET carries its message in the URL: long request lines are fine up to their own
    /// limit (64 KiB), beyond it 414.
    @Test func longRequestLinesHaveTheirOwnLimit() {
        let long = "GET /a?message=" + String(repeating: "m", count: 40 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(requests(parseAll(long, chunk: 4096)).first?.target.count == 40 * 1024 + 11)
        let tooLong = "GET /a?message=" + String(repeating: "m", count: 65 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(parseAll(tooLong).last == .failed(.requestLineTooLong))
        #expect(parseAll(String(tooLong.prefix(66 * 1024)), chunk: 4096).last == .failed(.requestLineTooLong))
        #expect(HTTPParseError.requestLineTooLong.status.code == 414)
    }

    @Test func bodyOverTheLimitIs413() {
        let limits = HTTPRequestParser.Limits(maxBodyBytes: 10)
        #expect(parseAll("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", limits: limits).last == .failed(.bodyTooLarge))
        let chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n"
        #expect(parseAll(chunked, limits: limits).last == .failed(.bodyTooLarge))
        #expect(requests(parseAll("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)).count == 1)
    }

    @Test func nothingAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append(Array("BAD\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(parser.next() == .failed(.malformedRequestLine))
        #expect(parser.next() == nil)
    }

    @Test func leadingEmptyLinesAreSkipped() {
        #expect(requests(parseAll("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")).count == 1)
    }

    /// Bare LF or CR line endings are refused as soon as they are seen (they would otherwise never
    /// end the head and the client would wait for the header timeout), whatever the split.
    @Test(arguments: [
        "GET / HTTP/1.1\nHost: x\n\n",
        "GET / HTTP/1.1\rHost: x\r\r",
        "GET / HTTP/1.1\r\nHost: x\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\nWiki\n",
    ])
    func bareLineEndingsAre400AtOnce(_ text: String) {
        for chunk in [1, 3, Int.max] {
            #expect(parseAll(text, chunk: chunk).last == .failed(.bareLineEnding), "chunk \(chunk)")
        }
        #expect(HTTPParseError.bareLineEnding.status.code == 400)
    }
}
