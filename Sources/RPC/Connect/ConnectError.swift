import Foundation

/// A failed RPC: one of the 16 Connect codes, a message for people, optional details and metadata.
///
/// Handlers throw it to answer with that code; clients receive it decoded from the wire.
/// Guarantees: the JSON form is exactly the Connect error body `{"code","message","details"}`.
public struct ConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One error detail, as Connect carries it: a type name and a base64 payload, plus optional JSON debug text.
    public struct Detail: Sendable, Equatable, Codable {
        public var type: String
        public var value: String
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

    /// The Connect error body.
    public func jsonBody() -> [UInt8] {
        var object: [String: Any] = ["code": code.wireName, "message": message]
        object["details"] = details.map { detail -> [String: Any] in
            var item: [String: Any] = ["type": detail.type, "value": detail.value]
            if let debug = detail.debug { item["debug"] = debug }
            return item
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }

    /// Decodes an error body; falls back to the code implied by the HTTP status.
    public static func fromResponse(status: Int, body: [UInt8], headers: HTTPHeaders = [:]) -> ConnectError {
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
           let name = object["code"] as? String {
            let code = ConnectCode(wireName: name) ?? .unknown
            let message = object["message"] as? String ?? ""
            var details: [Detail] = []
            for item in object["details"] as? [[String: Any]] ?? [] {
                if let type = item["type"] as? String, let value = item["value"] as? String {
                    details.append(Detail(type: type, value: value))
                }
            }
            return ConnectError(code, message, details: details, metadata: headers)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return ConnectError(.inferred(fromHTTPStatus: status), "HTTP \(status)\(text.isEmpty ? "" : ": " + text)", metadata: headers)
    }
}
