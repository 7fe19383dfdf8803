import Foundation

/// Encodes and decodes messages as proto3 JSON bytes.
///
/// Guarantees: decoding failures are `ConnectError(.invalidArgument)` with a message naming the
/// problem (bad JSON, wrong type, unknown or missing field); an empty body decodes as `{}`.
public enum ProtoJSONCodec {
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(ConnectError) -> T {
        let data = bytes.isEmpty ? Data("{}".utf8) : Data(bytes)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as ConnectError {
            throw error
        } catch let DecodingError.typeMismatch(_, context) {
            throw ConnectError(.invalidArgument, "field \"\(path(context.codingPath))\": \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ConnectError(.invalidArgument, "field \"\(path(context.codingPath))\" is null")
        } catch let DecodingError.keyNotFound(key, _) {
            throw ConnectError(.invalidArgument, "missing required field \"\(key.stringValue)\"")
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as? NSError)?.userInfo["NSDebugDescription"] as? String
            throw ConnectError(.invalidArgument, "request body is not valid JSON: \(underlying ?? context.debugDescription)")
        } catch {
            throw ConnectError(.invalidArgument, "cannot decode request: \(error)")
        }
    }

    public static func encode<T: Encodable>(_ value: T) throws(ConnectError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw ConnectError(.internal, "cannot encode response: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
