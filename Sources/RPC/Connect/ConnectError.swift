import Foundation
import JSON

/// A failed RPC: one of the 16 Connect codes, a message for people, optional details and metadata.
///
/// Handlers throw it to answer with that code; clients receive it decoded from the wire.
/// Guarantees: the JSON form is exactly the Connect error body `{"code","message","details"}`.
public struct ConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One error detail, as Connect carries it: the message's full type name, the base64 of its
    /// binary protobuf form (`value`), and optionally its JSON (`debug`, written as a JSON object).
    public struct Detail: Sendable, Equatable, Codable {
        public var type: String
        public var value: String
        /// JSON text of the message; on the wire it is the JSON object itself.
        public var debug: String?

        public init(type: String, value: String, debug: String? = nil) {
            self.type = type
            self.value = value
            self.debug = debug
        }
    }

    public var code: ConnectCode
    public var message: String
    public var details: [Detail]
    /// Response headers that travel with the error (for example an `etag`).
    public var metadata: HTTPHeaders
    /// Set by client transports when the request certainly never left this process (for example
    /// the connection was refused), so even a non-idempotent call may be retried elsewhere.
    public var requestNotSent = false

    public init(_ code: ConnectCode, _ message: String, details: [Detail] = [], metadata: HTTPHeaders = [:]) {
        self.code = code
        self.message = message
        self.details = details
        self.metadata = metadata
    }

    public var description: String { "\(code.wireName): \(message)" }

    /// The binary message a detail carries (its `value`, base64 with or without padding).
    public static func binaryValue(of detail: Detail) -> [UInt8]? {
        let padded = detail.value + String(repeating: "=", count: (4 - detail.value.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map(Array.init)
    }

    /// The Connect error body (keys sorted, as JSONSerialization wrote them before: tests and
    /// clients compare it byte for byte), written without Foundation: errors are common on some
    /// paths (stale votes) and JSONSerialization cost ≈ 100 µs each.
    public func jsonBody() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + message.utf8.count + details.reduce(0) { $0 + $1.value.utf8.count + ($1.debug?.utf8.count ?? 0) + 48 })
        out.append(contentsOf: #"{"code":"#.utf8)
        JSONWriter.writeString(code.wireName, into: &out)
        out.append(contentsOf: #","details":["#.utf8)
        for (index, detail) in details.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            if let debug = detail.debug {
                out.append(contentsOf: #""debug":"#.utf8)
                // An object as Connect wants it when the text is JSON; a string otherwise.
                if case .object? = try? JSONParser.parse(Array(debug.utf8)) {
                    out.append(contentsOf: debug.utf8)
                } else {
                    JSONWriter.writeString(debug, into: &out)
                }
                out.append(UInt8(ascii: ","))
            }
            out.append(contentsOf: #""type":"#.utf8)
            JSONWriter.writeString(detail.type, into: &out)
            out.append(contentsOf: #","value":"#.utf8)
            JSONWriter.writeString(detail.value, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"message":"#.utf8)
        JSONWriter.writeString(message, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Decodes an error body; falls back to the code implied by the HTTP status.
    public static func fromResponse(status: Int, body: [UInt8], headers: HTTPHeaders = [:]) -> ConnectError {
        if case .object(let object)? = try? JSONParser.parse(body), case .string(let name)? = object["code"] {
            let code = ConnectCode(wireName: name) ?? .unknown
            var message = ""
            if case .string(let text)? = object["message"] { message = text }
            var details: [Detail] = []
            if case .array(let items)? = object["details"] {
                for case .object(let item) in items {
                    if case .string(let type)? = item["type"], case .string(let value)? = item["value"] {
                        let debug: String? = switch item["debug"] {
                        case .object(let object)?: String(decoding: JSONWriter.bytes(.object(object)), as: UTF8.self)
                        case .string(let text)?: text
                        default: nil
                        }
                        details.append(Detail(type: type, value: value, debug: debug))
                    }
                }
            }
            return ConnectError(code, message, details: details, metadata: headers)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return ConnectError(.inferred(fromHTTPStatus: status), "HTTP \(status)\(text.isEmpty ? "" : ": " + text)", metadata: headers)
    }
}
