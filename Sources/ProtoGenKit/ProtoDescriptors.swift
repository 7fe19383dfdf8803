/// What a `.proto` file declares, as `ProtoParser` reads it: the input of `SwiftGenerator`.
///
/// Guarantees: names of messages and enums are fully qualified (`register.v1.WriteRequest`,
/// nested ones `log.v1.Outer.Inner`); field types refer to those full names once
/// `ProtoSchemaSet.resolve()` has run.
public struct ProtoFileDescriptor: Sendable, Equatable {
    /// The path relative to the proto root, e.g. `register/v1/register.proto`.
    public var path: String
    public var package: String
    public var imports: [String] = []
    public var messages: [ProtoMessageDescriptor] = []
    public var enums: [ProtoEnumDescriptor] = []
    public var services: [ProtoServiceDescriptor] = []

    public init(path: String, package: String) {
        self.path = path
        self.package = package
    }
}

public struct ProtoMessageDescriptor: Sendable, Equatable {
    public var fullName: String
    public var comment: String
    public var fields: [ProtoFieldDescriptor] = []
    public var messages: [ProtoMessageDescriptor] = []
    public var enums: [ProtoEnumDescriptor] = []

    /// The last component of the name.
    public var name: String { String(fullName.split(separator: ".").last ?? "") }
}

public struct ProtoFieldDescriptor: Sendable, Equatable {
    public enum Label: String, Sendable { case singular = "", optional, repeated }

    public var name: String
    public var number: Int
    public var type: ProtoType
    public var label: Label
    public var comment: String
    /// `[(node.v1.rules) …]`: what the service enforces beyond proto3's types.
    public var rules = ProtoFieldRules()

    /// protoc's JSON name: underscores dropped, the letter after each upper-cased.
    public var jsonName: String { SwiftNames.camel(name) }
}

/// The `node.v1.rules` field option (`Protocols/node/v1/rules.proto`).
public struct ProtoFieldRules: Sendable, Equatable {
    public var required = false
    public var pattern: String?
    public var minimum: Int64?
    public var maximum: Int64?

    public init() {}
}

/// A field's type: a scalar keyword, a message or enum (by full name once resolved), or a map.
public indirect enum ProtoType: Sendable, Equatable {
    case scalar(ProtoScalar)
    case named(String)
    case message(String)
    case enumeration(String)
    case map(key: ProtoScalar, value: ProtoType)
}

/// proto3's scalar types.
public enum ProtoScalar: String, Sendable, CaseIterable {
    case double, float, int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64, bool, string, bytes
}

public struct ProtoEnumDescriptor: Sendable, Equatable {
    public struct Value: Sendable, Equatable {
        public var name: String
        public var number: Int32
        public var comment: String
    }

    public var fullName: String
    public var comment: String
    public var values: [Value] = []

    public var name: String { String(fullName.split(separator: ".").last ?? "") }
}

public struct ProtoServiceDescriptor: Sendable, Equatable {
    public var fullName: String
    public var comment: String
    public var methods: [ProtoMethodDescriptor] = []

    public var name: String { String(fullName.split(separator: ".").last ?? "") }
}

public struct ProtoMethodDescriptor: Sendable, Equatable {
    public var name: String
    public var request: String
    public var response: String
    public var serverStreaming: Bool
    public var clientStreaming: Bool
    /// `IDEMPOTENCY_UNKNOWN`, `IDEMPOTENT` or `NO_SIDE_EFFECTS`.
    public var idempotency: String
    public var comment: String
}
