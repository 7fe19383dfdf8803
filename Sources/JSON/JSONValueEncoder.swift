/// An `Encoder` building a `JSONValue`: Codable types encode through our own writer.
///
/// Guarantees: fields appear in the order they were encoded; a type that encodes nothing becomes
/// `{}`; integers are exact; non-finite doubles become the strings "NaN", "Infinity",
/// "-Infinity" (proto3 JSON's spelling) rather than invalid JSON.
public final class JSONValueEncoder: Encoder {
    /// What has been encoded so far: a finished value, or a container still being filled.
    enum Node {
        case value(JSONValue)
        case object(JSONObjectBuilder)
        case array(JSONArrayBuilder)

        var built: JSONValue {
            switch self {
            case .value(let value): value
            case .object(let builder): .object(JSONObject(builder.fields.map { JSONField($0.key, $0.node.built) }))
            case .array(let builder): .array(builder.items.map(\.built))
            }
        }
    }

    public let codingPath: [any CodingKey]
    public var userInfo: [CodingUserInfoKey: Any] { [:] }
    var node: Node?

    public init(codingPath: [any CodingKey] = []) {
        self.codingPath = codingPath
    }

    /// Encodes `value` to a `JSONValue`.
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try box(value, path: [])
    }

    /// Encodes `value` to JSON bytes.
    public static func bytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(try node(value, path: []), into: &out)
        return out
    }

    /// The value so far (`{}` when nothing was encoded).
    public var value: JSONValue { node?.built ?? .object(JSONObject()) }

    /// The object being built, created on first use; nil if this encoder already holds a non-object.
    public var objectBuilder: JSONObjectBuilder? {
        switch node {
        case nil:
            let builder = JSONObjectBuilder()
            node = .object(builder)
            return builder
        case .object(let builder)?: return builder
        default: return nil
        }
    }

    public func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        // Asking twice continues the same object; a non-object so far is replaced.
        let builder = objectBuilder ?? {
            let fresh = JSONObjectBuilder()
            node = .object(fresh)
            return fresh
        }()
        return KeyedEncodingContainer(JSONKeyedEncodingContainer<Key>(builder, codingPath: codingPath))
    }

    public func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let builder)? = node { return JSONUnkeyedEncodingContainer(builder, codingPath: codingPath) }
        let builder = JSONArrayBuilder()
        node = .array(builder)
        return JSONUnkeyedEncodingContainer(builder, codingPath: codingPath)
    }

    public func singleValueContainer() -> any SingleValueEncodingContainer { JSONSingleValueEncodingContainer(self) }

    // MARK: - Boxing

    /// A value as a `JSONValue`: primitives directly, anything else through `encode(to:)`.
    static func box<T: Encodable>(_ value: T, path: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        if let primitive = primitive(value) { return primitive }
        let encoder = JSONValueEncoder(codingPath: path())
        try value.encode(to: encoder)
        return encoder.value
    }

    /// Like `box`, keeping a nested container as a builder (no copy until the end).
    static func node<T: Encodable>(_ value: T, path: @autoclosure () -> [any CodingKey]) throws -> Node {
        if let primitive = primitive(value) { return .value(primitive) }
        let encoder = JSONValueEncoder(codingPath: path())
        try value.encode(to: encoder)
        return encoder.node ?? .value(.object(JSONObject()))
    }

    static func primitive<T: Encodable>(_ value: T) -> JSONValue? {
        // Type comparisons first: a failed dynamic cast per candidate would cost more.
        if T.self == String.self { return .string(value as! String) }
        if T.self == Bool.self { return .bool(value as! Bool) }
        if T.self == Int.self { return .number(String(value as! Int)) }
        if T.self == Int64.self { return .number(String(value as! Int64)) }
        if T.self == UInt64.self { return .number(String(value as! UInt64)) }
        if T.self == Int32.self { return .number(String(value as! Int32)) }
        if T.self == UInt32.self { return .number(String(value as! UInt32)) }
        if T.self == Double.self { return JSONWriter.number(value as! Double) }
        if T.self == JSONValue.self { return value as? JSONValue }
        // The rarer scalars: without these, their default container methods would call back here.
        if T.self == Int8.self { return .number(String(value as! Int8)) }
        if T.self == Int16.self { return .number(String(value as! Int16)) }
        if T.self == UInt8.self { return .number(String(value as! UInt8)) }
        if T.self == UInt16.self { return .number(String(value as! UInt16)) }
        if T.self == UInt.self { return .number(String(value as! UInt)) }
        if T.self == Float.self { return JSONWriter.number(Double(value as! Float)) }
        return nil
    }

    /// Prints a node without first copying it into a `JSONValue`.
    static func write(_ node: Node, into out: inout [UInt8]) {
        switch node {
        case .value(let value):
            JSONWriter.write(value, into: &out)
        case .object(let builder):
            out.append(UInt8(ascii: "{"))
            for (position, field) in builder.fields.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(field.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(field.node, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let builder):
            out.append(UInt8(ascii: "["))
            for (position, item) in builder.items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}

/// An object under construction; a reference so containers handed out keep filling it.
public final class JSONObjectBuilder {
    var fields: [(key: String, node: JSONValueEncoder.Node)] = []

    public func append(_ key: String, _ value: JSONValue) { fields.append((key, .value(value))) }

    /// Appends `value` encoded (primitives directly, others through `encode(to:)`).
    public func append<T: Encodable>(_ key: String, encoding value: T) throws {
        fields.append((key, try JSONValueEncoder.node(value, path: [])))
    }

    /// Appends a list of `values`, each encoded (without going through `Array`'s container).
    public func append<T: Encodable>(_ key: String, encodingEach values: [T]) throws {
        let list = JSONArrayBuilder()
        list.items.reserveCapacity(values.count)
        for value in values { list.items.append(try JSONValueEncoder.node(value, path: [])) }
        fields.append((key, .array(list)))
    }
}

/// A list under construction.
final class JSONArrayBuilder {
    var items: [JSONValueEncoder.Node] = []
}
