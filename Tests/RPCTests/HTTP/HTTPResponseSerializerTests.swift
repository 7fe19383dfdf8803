import Testing
@testable import RPC

struct HTTPResponseSerializerTests {
    @Test func writesStatusHeadersLengthAndBody() {
        let response = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
        let text = String(decoding: HTTPResponseSerializer.serialize(response, keepAlive: true), as: UTF8.self)
        #expect(text == "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
    }

    @Test func closingResponsesSayConnectionClose() {
        let text = String(decoding: HTTPResponseSerializer.serialize(HTTPResponse(status: .badRequest), keepAlive: false), as: UTF8.self)
        #expect(text == "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    }

    @Test func chunksAreHexLengthPrefixed() {
        #expect(HTTPResponseSerializer.chunk(Array(repeating: 65, count: 26)) == Array("1a\r\n".utf8) + Array(repeating: 65, count: 26) + [13, 10])
        #expect(HTTPResponseSerializer.chunk([]) == Array("0\r\n\r\n".utf8))
    }
}
