import JSON

/// Reads one message's fields from JSON (a parsed `JSONValue`) the way proto3 JSON requires.
///
/// Accepts either the JSON (lowerCamel) or the proto (snake_case) spelling of a field (not both
/// at once, which proto3 JSON lets parsers refuse), treats `null` as unset,
/// reads 64-bit integers from strings or numbers (integral floats such as `2.0` included) and
/// rejects unknown fields. Every failure is a `ConnectError(.invalidArgument)` naming the field.
public struct ProtoReader {
    let object: JSONObject
    let schema: MessageSchema

    public init(_ decoder: any Decoder, _ schema: MessageSchema) throws {
        let value: JSONValue
        if let ours = decoder as? JSONValueDecoder {
            value = ours.value
        } else {
            // Another Codable format: read its value generically, then the same rules apply.
            do { value = try JSONValue(from: decoder) } catch {
                throw ConnectError(.invalidArgument, "\(schema.name) must be a JSON object")
            }
        }
        guard case .object(let object) = value else {
            throw ConnectError(.invalidArgument, "\(schema.name) must be a JSON object")
        }
        self.object = object
        self.schema = schema
        for field in object.fields {
            guard let schemaField = schema.field(named: field.key) else {
                throw ConnectError(.invalidArgument, "unknown field \"\(field.key)\" in \(schema.name)")
            }
            if schemaField.name != schemaField.jsonName, field.key == schemaField.name, object[schemaField.jsonName] != nil {
                throw ConnectError(.invalidArgument, "field \"\(schemaField.jsonName)\" is given twice (also as \"\(schemaField.name)\"); give it once")
            }
        }
    }

    /// The spelling present for `field` and its value, or nil when absent or null (`init`
    /// refused both spellings at once).
    private func present(_ field: String) -> (key: String, value: JSONValue)? {
        guard let schemaField = schema.field(named: field) else {
            preconditionFailure("\(schema.name) has no field \(field) in its schema")
        }
        if let value = object[schemaField.jsonName], !value.isNull { return (schemaField.jsonName, value) }
        if schemaField.name != schemaField.jsonName, let value = object[schemaField.name], !value.isNull { return (schemaField.name, value) }
        return nil
    }

    /// Whether the field is present and not null.
    public func has(_ field: String) throws -> Bool { present(field) != nil }

    /// A field of any Decodable type, or nil when absent.
    public func decode<T: Decodable>(_ field: String, as type: T.Type = T.self) throws -> T? {
        guard let (key, value) = present(field) else { return nil }
        do {
            return try JSONValueDecoder(value).decode(T.self)
        } catch let error as ConnectError {
            throw error
        } catch {
            throw ConnectError(.invalidArgument, "field \"\(key)\": expected \(Self.describe(T.self))")
        }
    }

    public func string(_ field: String) throws -> String? { try decode(field, as: String.self) }
    public func bool(_ field: String) throws -> Bool? { try decode(field, as: Bool.self) }

    public func int32(_ field: String) throws -> Int32? {
        guard let value = try integer(field) else { return nil }
        guard let narrow = Int32(exactly: value) else {
            throw ConnectError(.invalidArgument, "field \"\(field)\": \(value) is out of range for int32")
        }
        return narrow
    }

    public func uint32(_ field: String) throws -> UInt32? {
        guard let value = try integer(field) else { return nil }
        guard let narrow = UInt32(exactly: value) else {
            throw ConnectError(.invalidArgument, "field \"\(field)\": \(value) is out of range for uint32")
        }
        return narrow
    }

    public func int64(_ field: String) throws -> Int64? { try integer(field) }

    public func uint64(_ field: String) throws -> UInt64? {
        guard let value = try integer(field) else { return nil }
        guard let wide = UInt64(exactly: value) else {
            throw ConnectError(.invalidArgument, "field \"\(field)\": \(value) is out of range for uint64")
        }
        return wide
    }

    public func double(_ field: String) throws -> Double? {
        guard let (_, value) = present(field) else { return nil }
        switch value {
        case .number(let text): if let number = Double(text) { return number }
        case .string(let text): if let number = Double(text) { return number }
        default: break
        }
        throw ConnectError(.invalidArgument, "field \"\(field)\": expected a number")
    }

    public func repeated<T: Decodable>(_ field: String, of type: T.Type = T.self) throws -> [T] {
        guard let (key, value) = present(field) else { return [] }
        let mismatch = ConnectError(.invalidArgument, "field \"\(key)\": expected \(Self.describe([T].self))")
        guard case .array(let items) = value else { throw mismatch }
        do {
            return try items.map { try JSONValueDecoder($0).decode(T.self) }
        } catch let error as ConnectError {
            throw error
        } catch {
            throw mismatch
        }
    }

    public func repeatedInt64(_ field: String) throws -> [Int64] {
        guard let (_, value) = present(field) else { return [] }
        guard case .array(let items) = value else {
            throw ConnectError(.invalidArgument, "field \"\(field)\": expected a list of int64")
        }
        return try items.map { item throws(ConnectError) -> Int64 in try Self.integer(item, field: field) }
    }

    /// `map<string, int64>` with values as strings or numbers.
    public func int64Map(_ field: String) throws -> [String: Int64] {
        guard let (_, value) = present(field) else { return [:] }
        guard case .object(let map) = value else {
            throw ConnectError(.invalidArgument, "field \"\(field)\": expected an object")
        }
        var result: [String: Int64] = [:]
        result.reserveCapacity(map.count)
        for entry in map.fields {
            do {
                result[entry.key] = try Self.integer(entry.value, field: field)
            } catch {
                throw ConnectError(.invalidArgument, "field \"\(field)\": value of \"\(entry.key)\" must be an int64")
            }
        }
        return result
    }

    /// Like `decode`, but a missing field is `invalid_argument` naming it.
    public func require<T: Decodable>(_ field: String, as type: T.Type = T.self) throws -> T {
        guard let value = try decode(field, as: T.self) else { throw Self.missing(field) }
        return value
    }

    /// A non-empty string field; missing or empty is `invalid_argument`.
    public func requireString(_ field: String) throws -> String {
        guard let value = try string(field), !value.isEmpty else { throw Self.missing(field) }
        return value
    }

    public static func missing(_ field: String) -> ConnectError {
        ConnectError(.invalidArgument, "missing required field \"\(field)\"")
    }

    private func integer(_ field: String) throws -> Int64? {
        guard let (_, value) = present(field) else { return nil }
        return try Self.integer(value, field: field)
    }

    /// An int64 written as a number or a decimal string; integral floats (2.0, 1e2) only where a
    /// double is exact (below 2^53).
    private static func integer(_ value: JSONValue, field: String) throws(ConnectError) -> Int64 {
        switch value {
        case .number(let text):
            if let exact = Int64(text) ?? exactInteger(text) { return exact }
            throw ConnectError(.invalidArgument, "field \"\(field)\": \(text) is not an integer in range")
        case .string(let text):
            if let exact = Int64(text) ?? exactInteger(text) { return exact }
            throw ConnectError(.invalidArgument, "field \"\(field)\": \"\(text)\" is not an integer in range")
        default:
            throw ConnectError(.invalidArgument, "field \"\(field)\": expected an integer")
        }
    }

    private static func exactInteger(_ text: String) -> Int64? {
        guard let value = Double(text), abs(value) < 9_007_199_254_740_992 else { return nil }
        return Int64(exactly: value)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        default: "\(type)"
        }
    }
}
