public import JSON
import Foundation

/// Reads proto3 JSON values into Swift values for generated messages.
///
/// Accepts every spelling proto3 JSON allows: 64-bit integers as strings or numbers (integral
/// floats such as `2.0` too, where a double is exact), 32-bit ones as numbers or strings, enums
/// by name or number, bytes as standard or URL-safe base64, padded or not, doubles as numbers or
/// `"NaN"`, `"Infinity"`, `"-Infinity"`. Guarantees: every failure is `invalid_argument` naming
/// the field; nothing traps on hostile input.
public enum ProtoJSONInput {
    /// The message's JSON object (`schema` is read only to word the error).
    public static func object(_ value: JSONValue, _ schema: @autoclosure () -> MessageSchema) throws(ConnectError) -> JSONObject {
        guard case .object(let object) = value else { throw ConnectError(.invalidArgument, "\(schema().name) must be a JSON object") }
        return object
    }

    /// Which fields were given, to refuse a field given under both its names. (A bit per field:
    /// no allocation for the first 64 fields, which is every message we have.)
    public struct Seen {
        private var low: UInt64 = 0
        private var high: Set<Int> = []

        public init() {}

        /// `schema` is read only to word the error.
        public mutating func insert(_ index: Int, _ key: String, _ schema: @autoclosure () -> MessageSchema) throws(ConnectError) {
            let fresh: Bool
            if index < 64 {
                fresh = low & (1 << UInt64(index)) == 0
                low |= 1 << UInt64(index)
            } else {
                fresh = high.insert(index).inserted
            }
            guard fresh else { throw Self.twice(index, schema()) }
        }

        static func twice(_ index: Int, _ schema: MessageSchema) -> ConnectError {
            let field = schema.fields[index]
            return ConnectError(.invalidArgument, "field \"\(field.jsonName)\" is given twice (also as \"\(field.name)\"); give it once")
        }
    }

    public static func unknown(_ key: String, _ schema: MessageSchema) -> ConnectError {
        ConnectError(.invalidArgument, "unknown field \"\(key)\" in \(schema.name)")
    }

    public static func missing(_ field: String) -> ConnectError {
        ConnectError(.invalidArgument, "missing required field \"\(field)\"")
    }

    static func expected(_ what: String, _ field: String) -> ConnectError {
        ConnectError(.invalidArgument, "field \"\(field)\": expected \(what)")
    }

    public static func string(_ value: JSONValue, _ field: String) throws(ConnectError) -> String {
        guard case .string(let text) = value else { throw expected("a string", field) }
        return text
    }

    public static func bool(_ value: JSONValue, _ field: String) throws(ConnectError) -> Bool {
        guard case .bool(let flag) = value else { throw expected("a boolean", field) }
        return flag
    }

    public static func int64(_ value: JSONValue, _ field: String) throws(ConnectError) -> Int64 {
        switch value {
        case .number(let text), .string(let text):
            if let exact = Int64(text) ?? exactInteger(text).flatMap({ Int64(exactly: $0) }) { return exact }
            throw ConnectError(.invalidArgument, "field \"\(field)\": \(text) is not an integer in range")
        default:
            throw expected("an integer", field)
        }
    }

    public static func uint64(_ value: JSONValue, _ field: String) throws(ConnectError) -> UInt64 {
        switch value {
        case .number(let text), .string(let text):
            if let exact = UInt64(text) ?? exactInteger(text).flatMap({ UInt64(exactly: $0) }) { return exact }
            throw ConnectError(.invalidArgument, "field \"\(field)\": \(text) is out of range for uint64")
        default:
            throw expected("an integer", field)
        }
    }

    public static func int32(_ value: JSONValue, _ field: String) throws(ConnectError) -> Int32 {
        let wide = try int64(value, field)
        guard let narrow = Int32(exactly: wide) else { throw ConnectError(.invalidArgument, "field \"\(field)\": \(wide) is out of range for int32") }
        return narrow
    }

    public static func uint32(_ value: JSONValue, _ field: String) throws(ConnectError) -> UInt32 {
        let wide = try int64(value, field)
        guard let narrow = UInt32(exactly: wide) else { throw ConnectError(.invalidArgument, "field \"\(field)\": \(wide) is out of range for uint32") }
        return narrow
    }

    public static func double(_ value: JSONValue, _ field: String) throws(ConnectError) -> Double {
        switch value {
        case .number(let text):
            if let number = Double(text) { return number }
        case .string(let text):
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: if let number = Double(text) { return number }
            }
        default: break
        }
        throw expected("a number", field)
    }

    public static func float(_ value: JSONValue, _ field: String) throws(ConnectError) -> Float {
        let wide = try double(value, field)
        guard wide.isNaN || wide.isInfinite || abs(wide) <= Double(Float.greatestFiniteMagnitude) else {
            throw ConnectError(.invalidArgument, "field \"\(field)\": \(wide) is out of range for float")
        }
        return Float(wide)
    }

    public static func bytes(_ value: JSONValue, _ field: String) throws(ConnectError) -> [UInt8] {
        guard case .string(let text) = value else { throw expected("base64 text", field) }
        guard let data = Data(base64Encoded: text) ?? Data(base64Encoded: base64Standard(text)) else {
            throw ConnectError(.invalidArgument, "field \"\(field)\" is not base64")
        }
        return Array(data)
    }

    /// URL-safe or unpadded base64 in the standard alphabet, padded.
    static func base64Standard(_ text: String) -> String {
        let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return standard + String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
    }

    /// A JSON number text that is an integral double exactly representable (below 2^53).
    static func exactInteger(_ text: String) -> Double? {
        guard let value = Double(text), abs(value) < 9_007_199_254_740_992, value.rounded() == value else { return nil }
        return value
    }

    /// A repeated field: a list whose items each `element` reads; null means empty.
    public static func list<T>(_ value: JSONValue, _ field: String,
                               _ element: (JSONValue, String) throws(ConnectError) -> T) throws(ConnectError) -> [T] {
        guard case .array(let items) = value else { throw expected("a list", field) }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard !item.isNull else { throw ConnectError(.invalidArgument, "field \"\(field)\": a list item is null") }
            result.append(try element(item, field))
        }
        return result
    }

    /// A map field: an object whose keys `key` and values `value` read.
    public static func map<K: Hashable, V>(_ value: JSONValue, _ field: String,
                                           key: (String, String) throws(ConnectError) -> K,
                                           value element: (JSONValue, String) throws(ConnectError) -> V) throws(ConnectError) -> [K: V] {
        guard case .object(let object) = value else { throw expected("an object", field) }
        var result: [K: V] = [:]
        result.reserveCapacity(object.count)
        for entry in object.fields {
            do {
                result[try key(entry.key, field)] = try element(entry.value, field)
            } catch {
                throw ConnectError(.invalidArgument, "field \"\(field)\": entry \"\(entry.key)\": \(error.message)")
            }
        }
        return result
    }

    public static func stringKey(_ key: String, _ field: String) throws(ConnectError) -> String { key }
    public static func boolKey(_ key: String, _ field: String) throws(ConnectError) -> Bool {
        guard key == "true" || key == "false" else { throw ConnectError(.invalidArgument, "field \"\(field)\": key \"\(key)\" is not a boolean") }
        return key == "true"
    }
    public static func int64Key(_ key: String, _ field: String) throws(ConnectError) -> Int64 { try int64(.string(key), field) }
    public static func uint64Key(_ key: String, _ field: String) throws(ConnectError) -> UInt64 { try uint64(.string(key), field) }
    public static func int32Key(_ key: String, _ field: String) throws(ConnectError) -> Int32 { try int32(.string(key), field) }
    public static func uint32Key(_ key: String, _ field: String) throws(ConnectError) -> UInt32 { try uint32(.string(key), field) }
}
