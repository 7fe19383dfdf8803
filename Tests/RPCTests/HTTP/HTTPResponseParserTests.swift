import Testing
@testable import RPC

struct HTTPResponseParserTests {
    static func collect(_ text: String, chunk: Int = .max) throws -> (status: Int, keepAlive: Bool, body: String, ended: Bool) {
        var parser = HTTPResponseParser()
        let bytes = Array(text.utf8)
        var status = 0
        var keepAlive = false
        var body: [UInt8] = []
        var ended = false
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            parser.append(Array(bytes[offset..<end]))
            offset = end
            while let event = try parser.next() {
                switch event {
                case .head(let head): status = head.status; keepAlive = head.keepAlive
                case .body(let part): body += part
                case .end: ended = true
                }
            }
        }
        if !ended, let event = parser.finishAtEOF(), case .end = event { ended = true }
        return (status, keepAlive, String(decoding: body, as: UTF8.self), ended)
    }

    @Test func contentLengthAndChunkedAtEverySplit() throws {
        let fixed = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"
        let chunked = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        for size in [1, 2, 3, 7, 1000] {
            let a = try Self.collect(fixed, chunk: size)
            #expect(a.status == 200 && a.body == "hello" && a.ended && a.keepAlive)
            let b = try Self.collect(chunked, chunk: size)
            #expect(b.body == "abcde" && b.ended)
        }
    }

    @Test func interimResponsesAreSkippedAndCloseIsHonoured() throws {
        let result = try Self.collect("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        #expect(result.status == 503 && !result.keepAlive && result.ended)
        let untilClose = try Self.collect("HTTP/1.0 200 OK\r\n\r\nall of it")
        #expect(untilClose.body == "all of it" && untilClose.ended && !untilClose.keepAlive)
    }

    @Test func headersAreTrimmedAndLowerCasedAndLinesWithoutColonSkipped() throws {
        var parser = HTTPResponseParser()
        parser.append(Array("HTTP/1.1 201 Created\r\nX-A: \t spaced \t\r\nnonsense\r\nContent-Type:application/json\r\nEmpty:\r\ncontent-length: 2\r\n\r\nok".utf8))
        guard case .head(let head) = try parser.next() else { Issue.record("no head"); return }
        #expect(head.status == 201 && head.keepAlive)
        #expect(head.headers.fields.map(\.name) == ["x-a", "content-type", "empty", "content-length"])
        #expect(head.headers["x-a"] == "spaced")
        #expect(head.headers["content-type"] == "application/json")
        #expect(head.headers["empty"] == "")
        guard case .body(let body) = try parser.next() else { Issue.record("no body"); return }
        #expect(body == Array("ok".utf8))
    }

    @Test(arguments: ["HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 \r\n\r\n", "HTTP/1.1 2000 Big\r\n\r\n", "HTTP/2 200 OK\r\n\r\n", "HTTP/1.\r\n\r\n"])
    func malformedStatusLinesAreErrors(text: String) {
        var parser = HTTPResponseParser()
        parser.append(Array(text.utf8))
        #expect(throws: HTTPResponseParser.ParseError.self) { try parser.next() }
    }

    @Test func statusWithoutReasonPhrase() throws {
        let result = try Self.collect("HTTP/1.1 204\r\n\r\n")
        #expect(result.status == 204 && result.ended && result.body.isEmpty)
    }

    @Test func garbageIsAnError() {
        var parser = HTTPResponseParser()
        parser.append(Array("SPDY/9 ???\r\n\r\n".utf8))
        #expect(throws: HTTPResponseParser.ParseError.self) { try parser.next() }
    }
}
