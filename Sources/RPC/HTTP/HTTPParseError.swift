/// Why a request could not be parsed; each case answers with one status and closes the connection.
public enum HTTPParseError: Error, Equatable, Sendable {
    case malformedRequestLine
    case malformedHeader
    case missingHost
    case unsupportedVersion
    case headerTooLarge
    case requestLineTooLong
    case bodyTooLarge
    case invalidContentLength
    case conflictingFraming
    case malformedChunk
    case unsupportedTransferEncoding
    case unsupportedExpectation
    /// A line ended with a lone LF or CR instead of CRLF (RFC 9112 §2.2: we reject rather than guess).
    case bareLineEnding

    public var status: HTTPStatus {
        switch self {
        case .malformedRequestLine, .malformedHeader, .missingHost, .invalidContentLength,
             .conflictingFraming, .malformedChunk, .bareLineEnding:
            .badRequest
        case .unsupportedVersion: .httpVersionNotSupported
        case .headerTooLarge: .headerFieldsTooLarge
        case .requestLineTooLong: .uriTooLong
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedTransferEncoding: .notImplemented
        case .unsupportedExpectation: .expectationFailed
        }
    }

    public var message: String {
        switch self {
        case .malformedRequestLine: "malformed request line"
        case .malformedHeader: "malformed header field"
        case .missingHost: "HTTP/1.1 request without a Host header"
        case .unsupportedVersion: "only HTTP/1.0 and HTTP/1.1 are supported"
        case .headerTooLarge: "request header section is too large"
        case .requestLineTooLong: "request line (URL) is too long"
        case .bodyTooLarge: "request body is larger than the server accepts"
        case .invalidContentLength: "invalid Content-Length"
        case .conflictingFraming: "both Content-Length and Transfer-Encoding, or conflicting Content-Length values"
        case .malformedChunk: "malformed chunked body"
        case .unsupportedTransferEncoding: "only the chunked transfer coding is supported"
        case .unsupportedExpectation: "only 'Expect: 100-continue' is supported"
        case .bareLineEnding: "lines must end with CRLF; found a bare LF or CR"
        }
    }
}
