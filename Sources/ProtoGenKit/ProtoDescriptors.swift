/// What a `.proto` file declares, as `ProtoParser` reads it: the input of `SwiftGenerator`.
///
/// Guarantees: names of messages and enums are fully qualified (`register.v1.WriteRequest`,
/// nested ones `log.v1.Outer.Inner`); field types refer to those full names once
/// `ProtoSchemaSet.resolve()` has run.
package struct ProtoFileDescriptor: Sendable, Equatable {
    /// The path relative to the proto root, e.g. `register/v1/register.proto`.
    package var path: String
    package var package: String
    package var imports: [String] = []
    package var messages: [ProtoMessageDescriptor] = []
    package var enums: [ProtoEnumDescriptor] = []
    package var services: [ProtoServiceDescriptor] = []

    package init(path: String, package: String) {
        self.path = path
        self.package = package
    }
}

package struct ProtoMessageDescriptor: Sendable, Equatable {
    package var fullName: String
    package var comment: String
    package var fields: [ProtoFieldDescriptor] = []
    package var messages: [ProtoMessageDescriptor] = []
    package var enums: [ProtoEnumDescriptor] = []

    /// The last component of the name.
    package var name: String { String(fullName.split(separator: ".").last ?? "") }
}

package struct ProtoFieldDescriptor: Sendable, Equatable {
    package enum Label: String, Sendable { case singular = "", optional, repeated }

    package var name: String
    package var number: Int
    package var type: ProtoType
    package var label: Label
    package var comment: String
    /// `[(node.v1.rules) …]`: what the service enforces beyond proto3's types.
    package var rules = ProtoFieldRules()

    /// protoc's JSON name: underscores dropped, the letter after each upper-cased.
    package var jsonName: String { SwiftNames.camel(name) }
}

/// The `node.v1.rules` field option (`Protocols/node/v1/rules.proto`).
package struct ProtoFieldRules: Sendable, Equatable {
    package var required = false
    package var pattern: String?
    package var minimum: Int64?
    package var maximum: Int64?

    package init() {}
}

/// A field's type: a scalar keyword, a message or enum (by full name once resolved), or a map.
package indirect enum ProtoType: Sendable, Equatable {
    case scalar(ProtoScalar)
    case named(String)
    case message(String)
    case enumeration(String)
    case map(key: ProtoScalar, value: ProtoType)
}

/// proto3's scalar types.
package enum ProtoScalar: String, Sendable, CaseIterable {
    case double, float, int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64, bool, string, bytes
}

package struct ProtoEnumDescriptor: Sendable, Equatable {
    package struct Value: Sendable, Equatable {
        package var name: String
        package var number: Int32
        package var comment: String
    }

    package var fullName: String
    package var comment: String
    package var values: [Value] = []

    package var name: String { String(fullName.split(separator: ".").last ?? "") }
}

package struct ProtoServiceDescriptor: Sendable, Equatable {
    package var fullName: String
    package var comment: String
    package var methods: [ProtoMethodDescriptor] = []

    package var name: String { String(fullName.split(separator: ".").last ?? "") }
}

package struct ProtoMethodDescriptor: Sendable, Equatable {
    package var name: String
    package var request: String
    package var response: String
    package var serverStreaming: Bool
    package var clientStreaming: Bool
    /// `IDEMPOTENCY_UNKNOWN`, `IDEMPOTENT` or `NO_SIDE_EFFECTS`.
    package var idempotency: String
    package var comment: String
}
