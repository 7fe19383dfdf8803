/// Reads one message's fields from JSON the way proto3 JSON requires.
///
/// Accepts either the JSON (lowerCamel) or the proto (snake_case) spelling of a field (not both
/// at once, which proto3 JSON lets parsers refuse), treats `null` as unset,
/// reads 64-bit integers from strings or numbers (integral floats such as `2.0` included) and
/// rejects unknown fields. Every failure is a `ConnectError(.invalidArgument)` naming the field.
public struct ProtoReader {
    let container: KeyedDecodingContainer<ProtoKey>
    let schema: MessageSchema

    public init(_ decoder: any Decoder, _ schema: MessageSchema) throws {
        do {
            container = try decoder.container(keyedBy: ProtoKey.self)
        } catch {
            throw ConnectError(.invalidArgument, "\(schema.name) must be a JSON object")
        }
        self.schema = schema
        for key in container.allKeys {
            guard let field = schema.field(named: key.stringValue) else {
                throw ConnectError(.invalidArgument, "unknown field \"\(key.stringValue)\" in \(schema.name)")
            }
            if field.name != field.jsonName, key.stringValue == field.name, container.contains(ProtoKey(field.jsonName)) {
                throw ConnectError(.invalidArgument, "field \"\(field.jsonName)\" is given twice (also as \"\(field.name)\"); give it once")
            }
        }
    }

    /// The key present for `field` (either spelling; `init` refused both at once), or nil when absent or null.
    private func key(_ field: String) throws -> ProtoKey? {
        try keys(field).first
    }

    /// The non-null spelling of `field` present, if any (at most one: `init` refuses both).
    private func keys(_ field: String) throws -> [ProtoKey] {
        guard let schemaField = schema.field(named: field) else {
            preconditionFailure("\(schema.name) has no field \(field) in its schema")
        }
        let names = schemaField.name == schemaField.jsonName ? [schemaField.jsonName] : [schemaField.jsonName, schemaField.name]
        return names.map(ProtoKey.init).filter { container.contains($0) && (try? container.decodeNil(forKey: $0)) != true }
    }

    /// Whether the field is present and not null.
    public func has(_ field: String) throws -> Bool { try key(field) != nil }

    /// A field of any Decodable type, or nil when absent.
    public func decode<T: Decodable>(_ field: String, as type: T.Type = T.self) throws -> T? {
        var first: T?
        for key in try keys(field) {
            do {
                let value = try container.decode(T.self, forKey: key)
                if first == nil { first = value }
            } catch let error as ConnectError {
                throw error
            } catch {
                throw ConnectError(.invalidArgument, "field \"\(key.stringValue)\": expected \(Self.describe(T.self))")
            }
        }
        return first
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
        guard let key = try key(field) else { return nil }
        if let value = try? container.decode(Double.self, forKey: key) { return value }
        if let text = try? container.decode(String.self, forKey: key), let value = Double(text) { return value }
        throw ConnectError(.invalidArgument, "field \"\(field)\": expected a number")
    }

    public func repeated<T: Decodable>(_ field: String, of type: T.Type = T.self) throws -> [T] {
        try decode(field, as: [T].self) ?? []
    }

    public func repeatedInt64(_ field: String) throws -> [Int64] {
        guard let key = try key(field) else { return [] }
        guard var list = try? container.nestedUnkeyedContainer(forKey: key) else {
            throw ConnectError(.invalidArgument, "field \"\(field)\": expected a list of int64")
        }
        var values: [Int64] = []
        while !list.isAtEnd {
            if let number = try? list.decode(Int64.self) { values.append(number); continue }
            if let text = try? list.decode(String.self), let number = Int64(text) { values.append(number); continue }
            throw ConnectError(.invalidArgument, "field \"\(field)\": expected a list of int64")
        }
        return values
    }

    /// `map<string, int64>` with values as strings or numbers.
    public func int64Map(_ field: String) throws -> [String: Int64] {
        guard let key = try key(field) else { return [:] }
        guard let map = try? container.nestedContainer(keyedBy: ProtoKey.self, forKey: key) else {
            throw ConnectError(.invalidArgument, "field \"\(field)\": expected an object")
        }
        var result: [String: Int64] = [:]
        for entry in map.allKeys {
            if let number = try? map.decode(Int64.self, forKey: entry) {
                result[entry.stringValue] = number
            } else if let text = try? map.decode(String.self, forKey: entry), let number = Int64(text) {
                result[entry.stringValue] = number
            } else {
                throw ConnectError(.invalidArgument, "field \"\(field)\": value of \"\(entry.stringValue)\" must be an int64")
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
        let present = try keys(field)
        guard let key = present.first else { return nil }
        for other in present.dropFirst() { _ = try integer(at: other, field: field) }
        return try integer(at: key, field: field)
    }

    private func integer(at key: ProtoKey, field: String) throws -> Int64 {
        if let value = try? container.decode(Int64.self, forKey: key) { return value }
        if let text = try? container.decode(String.self, forKey: key) {
            if let value = Int64(text) { return value }
            if let value = Double(text), abs(value) < 9_007_199_254_740_992, let exact = Int64(exactly: value) { return exact }
            throw ConnectError(.invalidArgument, "field \"\(field)\": \"\(text)\" is not an integer in range")
        }
        // Integral floats (2.0, 1e2) are accepted only where a double is exact (below 2^53):
        // anything larger that did not parse as an Int64 above is out of range.
        if let value = try? container.decode(Double.self, forKey: key) {
            guard abs(value) < 9_007_199_254_740_992, let exact = Int64(exactly: value) else {
                throw ConnectError(.invalidArgument, "field \"\(field)\": \(value) is not an integer in range")
            }
            return exact
        }
        throw ConnectError(.invalidArgument, "field \"\(field)\": expected an integer")
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        default: "\(type)"
        }
    }
}
