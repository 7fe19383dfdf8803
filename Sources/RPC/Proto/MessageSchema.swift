/// The shape of a proto3 message as the router, reflection and OpenAPI see it.
///
/// Generated with each message from `Protocols/*.proto` (ProtoGen).
public struct MessageSchema: Sendable {
    /// Fully qualified proto name, e.g. `node.v1.CheckRequest`.
    public let name: String
    public let fields: [FieldSchema]
    /// The message's comment in its .proto file (empty if none).
    public let comment: String

    /// Both spellings of every field name to its position (messages are decoded per request).
    private let positions: [String: Int]

    public init(_ name: String, _ fields: [FieldSchema], comment: String = "") {
        self.name = name
        self.fields = fields
        self.comment = comment
        var positions: [String: Int] = [:]
        for (position, field) in fields.enumerated() {
            positions[field.name] = position
            positions[field.jsonName] = position
        }
        self.positions = positions
    }

    /// The field whose proto or JSON name is `key`.
    public func field(named key: String) -> FieldSchema? {
        positions[key].map { fields[$0] }
    }
}

/// One field of a message.
public struct FieldSchema: Sendable {
    public enum Label: Sendable { case singular, optional, repeated }

    /// The proto field name (snake_case).
    public let name: String
    /// The proto3 JSON name (lowerCamelCase).
    public let jsonName: String
    public let number: Int
    public let type: FieldType
    public let label: Label
    /// The service rejects requests without it (`invalid_argument`); proto3 itself has no
    /// required fields, so this only shapes validation docs and the OpenAPI schema.
    public let required: Bool
    /// Documented constraints the service enforces (regular expression; inclusive range).
    public var pattern: String?
    public var minimum: Int64?
    public var maximum: Int64?
    /// The field's comment in its .proto file (empty if none).
    public var comment: String

    public init(_ name: String, _ number: Int, _ type: FieldType, _ label: Label = .singular, required: Bool = false,
                pattern: String? = nil, minimum: Int64? = nil, maximum: Int64? = nil, comment: String = "") {
        self.comment = comment
        self.name = name
        self.jsonName = FieldSchema.lowerCamel(name)
        self.number = number
        self.type = type
        self.label = label
        self.required = required
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
    }

    /// protoc's JSON name rule: drop underscores, upper-case the letter after each.
    public static func lowerCamel(_ name: String) -> String {
        var out = ""
        var upper = false
        for ch in name {
            if ch == "_" { upper = true; continue }
            out.append(upper ? Character(ch.uppercased()) : ch)
            upper = false
        }
        return out
    }
}

/// The type of a field.
public indirect enum FieldType: Sendable {
    case string, bool, int32, uint32, int64, uint64, double, bytes
    /// Scalars whose binary form differs (zigzag varints, fixed widths, 32-bit floats) while their
    /// JSON form is that of `jsonForm`.
    case float, sint32, sint64, fixed32, fixed64, sfixed32, sfixed64
    case enumeration(EnumSchema)
    /// A message type; a closure so that messages can refer to themselves.
    case message(@Sendable () -> MessageSchema)
    case map(key: FieldType, value: FieldType)

    /// The name as written in a .proto file.
    public var protoName: String {
        switch self {
        case .string: "string"
        case .bool: "bool"
        case .int32: "int32"
        case .uint32: "uint32"
        case .int64: "int64"
        case .uint64: "uint64"
        case .double: "double"
        case .float: "float"
        case .sint32: "sint32"
        case .sint64: "sint64"
        case .fixed32: "fixed32"
        case .fixed64: "fixed64"
        case .sfixed32: "sfixed32"
        case .sfixed64: "sfixed64"
        case .bytes: "bytes"
        case .enumeration(let schema): schema.name
        case .message(let schema): schema().name
        case .map(let key, let value): "map<\(key.protoName), \(value.protoName)>"
        }
    }
}

extension FieldType {
    /// The type with the same proto3 JSON form (sint32 and sfixed32 as int32, fixed64 as uint64,
    /// float as double…); other types are their own.
    public var jsonForm: FieldType {
        switch self {
        case .sint32, .sfixed32: .int32
        case .sint64, .sfixed64: .int64
        case .fixed32: .uint32
        case .fixed64: .uint64
        case .float: .double
        default: self
        }
    }
}

/// The values of a proto3 enum.
public struct EnumSchema: Sendable {
    public let name: String
    public let values: [(name: String, number: Int32)]

    public init(_ name: String, _ values: [(name: String, number: Int32)]) {
        self.name = name
        self.values = values
    }
}
