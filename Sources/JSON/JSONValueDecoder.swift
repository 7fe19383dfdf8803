/// A `Decoder` reading a parsed `JSONValue`: Codable types decode from our own parser.
///
/// Guarantees: type mismatches, missing keys and nulls where a value is required are thrown as
/// the standard `DecodingError`s with the coding path; integers are decoded exactly (an integral
/// float such as `2.0` is accepted, a fraction or an out-of-range value is not).
public struct JSONValueDecoder: Decoder {
    public let value: JSONValue
    public let codingPath: [any CodingKey]
    public var userInfo: [CodingUserInfoKey: Any] { [:] }

    public init(_ value: JSONValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    /// Parses `bytes` and decodes a `T` from them.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        try JSONValueDecoder(try JSONParser.parse(bytes)).decode(T.self)
    }

    /// Decodes `T` from this decoder's value (primitives directly, anything else through `init(from:)`).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Self.unbox(value, as: T.self, path: codingPath)
    }

    public func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw Self.mismatch([String: Any].self, value, codingPath, "an object") }
        return KeyedDecodingContainer(JSONKeyedDecodingContainer<Key>(object, codingPath: codingPath))
    }

    public func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw Self.mismatch([Any].self, value, codingPath, "a list") }
        return JSONUnkeyedDecodingContainer(items, codingPath: codingPath)
    }

    public func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: - Unboxing

    /// `path` is evaluated only when needed (errors, nested decoders): most fields are primitives.
    static func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type, path: @autoclosure () -> [any CodingKey]) throws -> T {
        if T.self == String.self {
            guard case .string(let text) = value else { throw nullOrMismatch(T.self, value, path(), "a string") }
            return text as! T
        }
        if T.self == Bool.self {
            guard case .bool(let flag) = value else { throw nullOrMismatch(T.self, value, path(), "a boolean") }
            return flag as! T
        }
        if T.self == Int.self { return try integer(value, as: Int.self, path: path()) as! T }
        if T.self == Int64.self { return try integer(value, as: Int64.self, path: path()) as! T }
        if T.self == UInt64.self { return try integer(value, as: UInt64.self, path: path()) as! T }
        if T.self == Int32.self { return try integer(value, as: Int32.self, path: path()) as! T }
        if T.self == UInt32.self { return try integer(value, as: UInt32.self, path: path()) as! T }
        if T.self == Double.self { return try double(value, path: path()) as! T }
        if T.self == JSONValue.self { return value as! T }
        return try T(from: JSONValueDecoder(value, codingPath: path()))
    }

    static func integer<T: FixedWidthInteger>(_ value: JSONValue, as type: T.Type, path: @autoclosure () -> [any CodingKey]) throws -> T {
        guard case .number(let text) = value else { throw nullOrMismatch(T.self, value, path(), "an integer") }
        if let exact = T(text) { return exact }
        // Integral floats are exact only below 2^53 in a double.
        if let double = Double(text), abs(double) < 9_007_199_254_740_992, let exact = T(exactly: double) { return exact }
        throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "\(text) is not an integer in range for \(T.self)"))
    }

    static func double(_ value: JSONValue, path: @autoclosure () -> [any CodingKey]) throws -> Double {
        guard case .number(let text) = value, let double = Double(text) else { throw nullOrMismatch(Double.self, value, path(), "a number") }
        return double
    }

    static func nullOrMismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey], _ expected: String) -> DecodingError {
        if value.isNull {
            return DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "expected \(expected) but found null"))
        }
        return mismatch(type, value, path, expected)
    }

    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey], _ expected: String) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(expected) but found \(value.kindDescription)"))
    }
}

extension JSONValueDecoder: SingleValueDecodingContainer {
    public func decodeNil() -> Bool { value.isNull }
    public func decode(_ type: Bool.Type) throws -> Bool { try Self.unbox(value, as: Bool.self, path: codingPath) }
    public func decode(_ type: String.Type) throws -> String { try Self.unbox(value, as: String.self, path: codingPath) }
    public func decode(_ type: Double.Type) throws -> Double { try Self.double(value, path: codingPath) }
    public func decode(_ type: Float.Type) throws -> Float { Float(try Self.double(value, path: codingPath)) }
    public func decode(_ type: Int.Type) throws -> Int { try Self.integer(value, as: Int.self, path: codingPath) }
    public func decode(_ type: Int8.Type) throws -> Int8 { try Self.integer(value, as: Int8.self, path: codingPath) }
    public func decode(_ type: Int16.Type) throws -> Int16 { try Self.integer(value, as: Int16.self, path: codingPath) }
    public func decode(_ type: Int32.Type) throws -> Int32 { try Self.integer(value, as: Int32.self, path: codingPath) }
    public func decode(_ type: Int64.Type) throws -> Int64 { try Self.integer(value, as: Int64.self, path: codingPath) }
    public func decode(_ type: UInt.Type) throws -> UInt { try Self.integer(value, as: UInt.self, path: codingPath) }
    public func decode(_ type: UInt8.Type) throws -> UInt8 { try Self.integer(value, as: UInt8.self, path: codingPath) }
    public func decode(_ type: UInt16.Type) throws -> UInt16 { try Self.integer(value, as: UInt16.self, path: codingPath) }
    public func decode(_ type: UInt32.Type) throws -> UInt32 { try Self.integer(value, as: UInt32.self, path: codingPath) }
    public func decode(_ type: UInt64.Type) throws -> UInt64 { try Self.integer(value, as: UInt64.self, path: codingPath) }
}
