import Foundation

/// A validated Connect request: its decoded (inflated) body and its timeout.
///
/// Validation follows the Connect protocol: POST with `application/json` (or GET with
/// `?connect=v1&encoding=json&message=…` for side-effect-free methods), `Connect-Protocol-Version`
/// `1` when present, `Connect-Timeout-Ms` of 1–10 digits, `Content-Encoding` identity or gzip.
struct ConnectCall: Sendable {
    let body: [UInt8]
    let timeout: Duration?

    /// A failure answered at the HTTP level rather than as a Connect error (405, 415).
    struct HTTPFailure: Error {
        let response: HTTPResponse
    }

    static func parse(_ request: HTTPRequest, route: RPCMethodInfo, maxBodyBytes: Int) throws -> ConnectCall {
        let timeout = try parseTimeout(request.headers)
        if let version = request.headers["connect-protocol-version"], version != "1" {
            throw ConnectError(.invalidArgument, "connect-protocol-version must be \"1\", got \"\(version)\"")
        }
        switch request.method {
        case "POST":
            let streaming = route.kind == .serverStreaming
            guard let contentType = request.headers["content-type"], isSupported(contentType, streaming: streaming) else {
                let accepted = streaming ? "application/connect+json" : "application/json"
                throw HTTPFailure(response: HTTPResponse(status: .unsupportedMediaType, headers: ["accept-post": accepted]))
            }
            if streaming {
                let (flags, payload) = try ConnectEnvelope.unwrapRequest(request.body)
                let body = flags & ConnectEnvelope.compressedFlag != 0
                    ? try decompress(payload, encoding: request.headers["connect-content-encoding"] ?? "gzip", limit: maxBodyBytes)
                    : payload
                return ConnectCall(body: body, timeout: timeout)
            }
            let body = try decompress(request.body, encoding: request.headers["content-encoding"], limit: maxBodyBytes)
            return ConnectCall(body: body, timeout: timeout)
        case "GET":
            guard route.allowsGET else { throw methodNotAllowed(route) }
            return ConnectCall(body: try parseGetQuery(request.query ?? "", limit: maxBodyBytes), timeout: timeout)
        default:
            throw methodNotAllowed(route)
        }
    }

    static func methodNotAllowed(_ route: RPCMethodInfo) -> HTTPFailure {
        let allow = route.allowsGET ? "GET, POST" : "POST"
        var response = HTTPResponse.text(.methodNotAllowed, "\(route.path) accepts \(allow)")
        response.headers.set("allow", allow)
        return HTTPFailure(response: response)
    }

    static func isSupported(_ contentType: String, streaming: Bool) -> Bool {
        let wanted = streaming ? "application/connect+json" : "application/json"
        // The media type before any `;parameters`, trimmed, compared without regard to ASCII case.
        var text = contentType
        return text.withUTF8 { bytes in
            let mediaType = HTTPSyntax.trimmingWhitespace(bytes, 0..<(bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count))
            return mediaType.count == wanted.utf8.count && zip(mediaType, wanted.utf8).allSatisfy { index, expected in
                let byte = bytes[index]
                return (byte >= 65 && byte <= 90 ? byte + 32 : byte) == expected
            }
        }
    }

    static func parseTimeout(_ headers: HTTPHeaders) throws -> Duration? {
        guard let text = headers["connect-timeout-ms"] else { return nil }
        guard (1...10).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let ms = Int64(text), ms > 0 else {
            throw ConnectError(.invalidArgument, "connect-timeout-ms must be a positive integer of at most 10 digits, got \"\(text)\"")
        }
        return .milliseconds(ms)
    }

    static func decompress(_ body: [UInt8], encoding: String?, limit: Int) throws -> [UInt8] {
        switch encoding?.lowercased() {
        case nil, "identity", "": return body
        case "gzip": return try GzipCodec.inflate(body, limit: limit)
        case let other?:
            throw ConnectError(.unimplemented, "unsupported content-encoding \"\(other)\"; supported: gzip, identity")
        }
    }

    /// Decodes `?connect=v1&encoding=json&message=…[&base64=1][&compression=gzip]`.
    static func parseGetQuery(_ query: Substring, limit: Int) throws -> [UInt8] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(parts[0])
            let value = parts.count > 1 ? percentDecode(parts[1]) : ""
            guard let name, let value else { throw ConnectError(.invalidArgument, "malformed query string") }
            parameters[name] = value
        }
        if let connect = parameters["connect"], connect != "v1" {
            throw ConnectError(.invalidArgument, "query parameter connect must be v1")
        }
        guard parameters["encoding"] == "json" else {
            throw HTTPFailure(response: HTTPResponse(status: .unsupportedMediaType))
        }
        guard let message = parameters["message"] else {
            throw ConnectError(.invalidArgument, "missing query parameter \"message\"")
        }
        var bytes: [UInt8]
        if parameters["base64"] == "1" {
            guard let decoded = base64URLDecode(message) else {
                throw ConnectError(.invalidArgument, "query parameter message is not valid base64")
            }
            bytes = decoded
        } else {
            bytes = Array(message.utf8)
        }
        return try decompress(bytes, encoding: parameters["compression"], limit: limit)
    }

    static func percentDecode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
