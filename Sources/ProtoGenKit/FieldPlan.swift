/// One field as the generator emits it: its Swift name, type, default and coding calls.
struct FieldPlan {
    enum Kind {
        case scalar(ProtoScalar)
        case enumeration(String)
        case message(String)
        case map(key: ProtoScalar, value: ValueKind)
    }

    /// A map value: a scalar, an enum or a message (Swift type path).
    enum ValueKind {
        case scalar(ProtoScalar)
        case enumeration(String)
        case message(String)
    }

    let field: ProtoFieldDescriptor
    let kind: Kind

    var property: String { SwiftNames.property(field.jsonName) }
    var jsonName: String { field.jsonName }
    var isRepeated: Bool { field.label == .repeated }
    var isOptional: Bool { field.label == .optional }

    init(_ field: ProtoFieldDescriptor, in set: ProtoSchemaSet) throws(ProtoSyntaxError) {
        self.field = field
        func path(_ name: String) -> String {
            let package = set.declaringFile[name].flatMap { file in set.files.first { $0.path == file }?.package } ?? ""
            return SwiftNames.typePath(name, package: package)
        }
        switch field.type {
        case .scalar(let scalar): kind = .scalar(scalar)
        case .enumeration(let name): kind = .enumeration(path(name))
        case .message(let name): kind = .message(path(name))
        case .named(let name): throw ProtoSyntaxError(file: "", line: 0, problem: "unresolved type \(name)")
        case .map(let key, let value):
            switch value {
            case .scalar(let scalar): kind = .map(key: key, value: .scalar(scalar))
            case .enumeration(let name): kind = .map(key: key, value: .enumeration(path(name)))
            case .message(let name): kind = .map(key: key, value: .message(path(name)))
            default: throw ProtoSyntaxError(file: "", line: 0, problem: "unsupported map value in \(field.name)")
            }
        }
        if case .message = kind, field.label == .optional {
            throw ProtoSyntaxError(file: "", line: 0, problem: "\(field.name): `optional` on a message field adds nothing (messages have presence)")
        }
    }

    static func swiftType(_ scalar: ProtoScalar) -> String {
        switch scalar {
        case .double: "Double"
        case .float: "Float"
        case .int32, .sint32, .sfixed32: "Int32"
        case .int64, .sint64, .sfixed64: "Int64"
        case .uint32, .fixed32: "UInt32"
        case .uint64, .fixed64: "UInt64"
        case .bool: "Bool"
        case .string: "String"
        case .bytes: "[UInt8]"
        }
    }

    static func zero(_ scalar: ProtoScalar) -> String {
        switch scalar {
        case .bool: "false"
        case .string: "\"\""
        case .bytes: "[]"
        default: "0"
        }
    }

    /// The element type (of one value; for maps the dictionary).
    var elementType: String {
        switch kind {
        case .scalar(let scalar): Self.swiftType(scalar)
        case .enumeration(let type), .message(let type): type
        case .map(let key, let value): "[\(Self.swiftType(key)): \(Self.valueType(value))]"
        }
    }

    static func valueType(_ value: ValueKind) -> String {
        switch value {
        case .scalar(let scalar): swiftType(scalar)
        case .enumeration(let type), .message(let type): type
        }
    }

    var swiftType: String {
        if isRepeated { return "[\(elementType)]" }
        switch kind {
        case .message: return elementType + "?"
        case .map: return elementType
        default: return isOptional ? elementType + "?" : elementType
        }
    }

    var defaultValue: String {
        if isRepeated { return "[]" }
        switch kind {
        case .message: return "nil"
        case .map: return "[:]"
        case .enumeration(let type): return isOptional ? "nil" : "\(type)()"
        case .scalar(let scalar): return isOptional ? "nil" : Self.zero(scalar)
        }
    }

    /// A Swift condition that is true when the field holds its default (proto3 omits it).
    var isDefaultCondition: String {
        let property = "self." + self.property
        if isRepeated { return "\(property).isEmpty" }
        switch kind {
        case .message: return "\(property) == nil"
        case .map: return "\(property).isEmpty"
        case .enumeration: return isOptional ? "\(property) == nil" : "\(property).rawValue == 0"
        case .scalar(let scalar):
            if isOptional { return "\(property) == nil" }
            switch scalar {
            case .string, .bytes: return "\(property).isEmpty"
            case .bool: return "!\(property)"
            default: return "\(property) == 0"
            }
        }
    }

    /// The runtime's name for a scalar's JSON coders: its JSON form (sint32 reads as int32…).
    static func jsonCoder(_ scalar: ProtoScalar) -> String {
        switch scalar {
        case .sint32, .sfixed32: "int32"
        case .sint64, .sfixed64: "int64"
        case .fixed32: "uint32"
        case .fixed64: "uint64"
        default: scalar.rawValue
        }
    }
}
