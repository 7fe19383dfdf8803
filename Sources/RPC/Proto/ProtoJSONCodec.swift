import JSON

/// Encodes and decodes messages as proto3 JSON bytes, with our own JSON parser and writer.
///
/// Guarantees: decoding failures are `ConnectError(.invalidArgument)` with a message naming the
/// problem (bad JSON, wrong type, unknown or missing field); an empty body decodes as `{}`.
/// Encoding writes fields in the order the message writes them (its .proto order).
public enum ProtoJSONCodec {
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(ConnectError) -> T {
        try decodeSlowly(T.self, from: try parse(bytes))
    }

    /// The body as JSON (an empty body is `{}`); not JSON is `invalid_argument`.
    static func parse(_ bytes: [UInt8]) throws(ConnectError) -> JSONValue {
        do {
            return bytes.isEmpty ? .object(JSONObject()) : try JSONParser.parse(bytes)
        } catch {
            throw ConnectError(.invalidArgument, "request body is not valid JSON: \(error)")
        }
    }

    /// The `Decodable` path: accepts every proto3 JSON spelling and names the field at fault.
    private static func decodeSlowly<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(ConnectError) -> T {
        do {
            return try JSONValueDecoder(value).decode(T.self)
        } catch let error as ConnectError {
            throw error
        } catch let DecodingError.typeMismatch(_, context) {
            throw ConnectError(.invalidArgument, "field \"\(path(context.codingPath))\": \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ConnectError(.invalidArgument, "field \"\(path(context.codingPath))\" is null")
        } catch let DecodingError.keyNotFound(key, _) {
            throw ConnectError(.invalidArgument, "missing required field \"\(key.stringValue)\"")
        } catch let DecodingError.dataCorrupted(context) {
            throw ConnectError(.invalidArgument, "field \"\(path(context.codingPath))\": \(context.debugDescription)")
        } catch {
            throw ConnectError(.invalidArgument, "cannot decode request: \(error)")
        }
    }

    public static func encode<T: Encodable>(_ value: T) throws(ConnectError) -> [UInt8] {
        if let writable = value as? any ProtoJSONWritable { return encodeWritable(writable) }
        do {
            return try JSONValueEncoder.bytes(value)
        } catch {
            throw ConnectError(.internal, "cannot encode response: \(error)")
        }
    }

    /// `encode` for a message that writes its own JSON (no dynamic cast).
    public static func encodeWritable(_ value: some ProtoJSONWritable) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        value.writeJSON(into: &out)
        return out
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
