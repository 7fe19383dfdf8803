/// An HTTP response: status, headers and either a complete body or a stream of chunks.
public struct HTTPResponse: Sendable {
    /// The body of a response.
    public enum Body: Sendable {
        /// Sent with `Content-Length`.
        case bytes([UInt8])
        /// Sent with `Transfer-Encoding: chunked`, one chunk per element; the stream ends the body.
        case stream(AsyncStream<[UInt8]>)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: HTTPStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: HTTPStatus, headers: HTTPHeaders = [:], stream: AsyncStream<[UInt8]>) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// The body bytes when the body is not a stream.
    public var bodyBytes: [UInt8] {
        if case .bytes(let bytes) = body { return bytes }
        return []
    }

    /// A plain-text response, as used for protocol-level errors.
    public static func text(_ status: HTTPStatus, _ message: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.set("content-type", "text/plain; charset=utf-8")
        return HTTPResponse(status: status, headers: headers, body: Array((message + "\n").utf8))
    }
}
