import Foundation

/// A validated Connect request: its decoded (inflated) body, its codec and its timeout.
///
/// Validation follows the Connect protocol: POST with `application/json` or `application/proto`
/// (`application/connect+json` / `+proto` for streams), or GET with
/// `?connect=v1&encoding=json|proto&message=…` for side-effect-free methods;
/// `Connect-Protocol-Version` `1` when present, `Connect-Timeout-Ms` of 1–10 digits,
/// `Content-Encoding` identity or gzip.
struct ConnectCall: Sendable {
    /// How messages are encoded on the wire; the response uses the request's codec.
    typealias Codec = WireCodec

    let body: [UInt8]
    let codec: Codec
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
            guard let contentType = request.headers["content-type"], let codec = codec(of: contentType, streaming: streaming) else {
                let accepted = streaming ? "application/connect+json, application/connect+proto" : "application/json, application/proto"
                throw HTTPFailure(response: HTTPResponse(status: .unsupportedMediaType, headers: ["accept-post": accepted]))
            }
            if streaming {
                let (flags, payload) = try ConnectEnvelope.unwrapRequest(request.body)
                let body = flags & ConnectEnvelope.compressedFlag != 0
                    ? try decompress(payload, encoding: request.headers["connect-content-encoding"] ?? "gzip", limit: maxBodyBytes)
                    : payload
                return ConnectCall(body: body, codec: codec, timeout: timeout)
            }
            let body = try decompress(request.body, encoding: request.headers["content-encoding"], limit: maxBodyBytes)
            return ConnectCall(body: body, codec: codec, timeout: timeout)
        case "GET":
            guard route.allowsGET else { throw methodNotAllowed(route) }
            let (body, codec) = try parseGetQuery(request.query ?? "", limit: maxBodyBytes)
            return ConnectCall(body: body, codec: codec, timeout: timeout)
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

    /// The codec a request's content type names, nil when it is not one this kind of call takes.
    static func codec(of contentType: String, streaming: Bool) -> Codec? {
        for codec in WireCodec.allCases where isMediaType(contentType, streaming ? codec.streamContentType : codec.contentType) {
            return codec
        }
        return nil
    }

    static func isSupported(_ contentType: String, streaming: Bool) -> Bool {
        codec(of: contentType, streaming: streaming) != nil
    }

    /// Whether the media type before any `;parameters`, trimmed, is `wanted` (ASCII case ignored).
    static func isMediaType(_ contentType: String, _ wanted: String) -> Bool {
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

    /// Decodes `?connect=v1&encoding=json|proto&message=…[&base64=1][&compression=gzip]` (a
    /// binary message comes base64url-encoded, or percent-encoded byte by byte).
    static func parseGetQuery(_ query: Substring, limit: Int) throws -> ([UInt8], Codec) {
        var parameters: [String: [UInt8]] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecodeBytes(parts[0])
            let value = parts.count > 1 ? percentDecodeBytes(parts[1]) : []
            guard let name, let value else { throw ConnectError(.invalidArgument, "malformed query string") }
            parameters[String(decoding: name, as: UTF8.self)] = value
        }
        func text(_ name: String) -> String? { parameters[name].map { String(decoding: $0, as: UTF8.self) } }
        if let connect = text("connect"), connect != "v1" {
            throw ConnectError(.invalidArgument, "query parameter connect must be v1")
        }
        let codec: Codec
        switch text("encoding") {
        case "json": codec = .json
        case "proto": codec = .proto
        default: throw HTTPFailure(response: HTTPResponse(status: .unsupportedMediaType))
        }
        guard let message = parameters["message"] else {
            throw ConnectError(.invalidArgument, "missing query parameter \"message\"")
        }
        var bytes = message
        if text("base64") == "1" {
            guard let decoded = base64URLDecode(String(decoding: message, as: UTF8.self)) else {
                throw ConnectError(.invalidArgument, "query parameter message is not valid base64")
            }
            bytes = decoded
        }
        return (try decompress(bytes, encoding: text("compression"), limit: limit), codec)
    }

    /// `+` as space and `%XX` as the byte XX; nil when a `%` is not followed by two hex digits.
    static func percentDecodeBytes(_ text: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard bytes.count >= 2, let high = hexValue(bytes.removeFirst()), let low = hexValue(bytes.removeFirst()) else { return nil }
                out.append(high << 4 | low)
            default: out.append(byte)
            }
        }
        return out
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }

    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
