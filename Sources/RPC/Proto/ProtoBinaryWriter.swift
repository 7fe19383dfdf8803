import JSON

/// Writes the proto3 JSON our message types produce as a binary protobuf message, driven by the
/// message's `MessageSchema` (the response side of `ProtoBinaryReader`).
///
/// Guarantees: fields in field-number order; proto3 defaults of singular fields are omitted
/// (fields with explicit presence, `optional`, are written when present); repeated numeric
/// scalars and enums are packed; map entries are messages of key 1 and value 2; int64 is read
/// from a JSON string or number; a key the schema lacks or a value that does not fit its field
/// is `internal` (our own encoders never produce one), never a trap.
public enum ProtoBinaryWriter {
    /// The binary form of the JSON text `json` of a `schema` message.
    public static func binary(fromJSON json: [UInt8], schema: MessageSchema) throws(ConnectError) -> [UInt8] {
        let value: JSONValue
        do { value = try JSONParser.parse(json) } catch { throw ConnectError(.internal, "response is not JSON: \(error)") }
        guard case .object(let object) = value else { throw mismatch("not an object", schema.name) }
        var out: [UInt8] = []
        try write(object, schema: schema, depth: 0, into: &out)
        return out
    }

    static func write(_ object: JSONObject, schema: MessageSchema, depth: Int, into out: inout [UInt8]) throws(ConnectError) {
        guard depth < ProtoBinaryReader.maxDepth else { throw mismatch("nested too deeply", schema.name) }
        // Nothing is dropped silently: a key the schema does not know is refused.
        for field in object.fields where schema.field(named: field.key) == nil {
            throw mismatch("unknown field \"\(field.key)\" in \(schema.name)", field.key)
        }
        for field in schema.fields.sorted(by: { $0.number < $1.number }) {
            guard let value = object[field.jsonName] ?? object[field.name], !value.isNull else { continue }
            switch (field.type, field.label) {
            case (.map(let keyType, let valueType), _):
                guard case .object(let entries) = value else { throw mismatch("a map must be an object", field.name) }
                let entrySchema = MessageSchema(field.name + ".entry", [FieldSchema("key", 1, keyType), FieldSchema("value", 2, valueType)])
                for entry in entries.fields {
                    let key: JSONValue = switch keyType {
                    case .bool: .bool(entry.key == "true")
                    case .string: .string(entry.key)
                    default: .number(entry.key)
                    }
                    var body: [UInt8] = []
                    try write(JSONObject([JSONField("key", key), JSONField("value", entry.value)]), schema: entrySchema, depth: depth + 1, into: &body)
                    ProtoBinaryOutput.bytes(field.number, body, &out)
                }
            case (_, .repeated):
                guard case .array(let items) = value else { throw mismatch("a repeated field must be a list", field.name) }
                guard !items.isEmpty else { continue }
                if field.type.isPackable {
                    var packed: [UInt8] = []
                    for item in items { try appendScalar(item, field: field, into: &packed) }
                    ProtoBinaryOutput.bytes(field.number, packed, &out)
                } else {
                    for item in items { try appendValue(item, field: field, depth: depth, into: &out) }
                }
            default:
                if field.label != .optional, isDefault(value, type: field.type) { continue }
                try appendValue(value, field: field, depth: depth, into: &out)
            }
        }
    }

    /// Tag and value of one field value.
    static func appendValue(_ value: JSONValue, field: FieldSchema, depth: Int, into out: inout [UInt8]) throws(ConnectError) {
        if case .message(let schema) = field.type {
            guard case .object(let object) = value else { throw mismatch("a message must be an object", field.name) }
            var body: [UInt8] = []
            try write(object, schema: schema(), depth: depth + 1, into: &body)
            ProtoBinaryOutput.bytes(field.number, body, &out)
            return
        }
        ProtoBinaryOutput.tag(field.number, field.type.scalarWireType, &out)
        try appendScalar(value, field: field, into: &out)
    }

    /// A scalar's value without its tag (what packed fields hold): read with the generated
    /// messages' JSON readers, written with their binary writers.
    static func appendScalar(_ value: JSONValue, field: FieldSchema, into out: inout [UInt8]) throws(ConnectError) {
        let name = field.name
        do throws(ConnectError) {
            switch field.type {
            case .string:
                let text = try ProtoJSONInput.string(value, name)
                ProtoBinaryOutput.varint(UInt64(text.utf8.count), &out)
                out.append(contentsOf: text.utf8)
            case .bytes:
                let bytes = try ProtoJSONInput.bytes(value, name)
                ProtoBinaryOutput.varint(UInt64(bytes.count), &out)
                out.append(contentsOf: bytes)
            case .bool: ProtoBinaryOutput.boolValue(try ProtoJSONInput.bool(value, name), &out)
            case .int32: ProtoBinaryOutput.int32Value(try ProtoJSONInput.int32(value, name), &out)
            case .int64: ProtoBinaryOutput.int64Value(try ProtoJSONInput.int64(value, name), &out)
            case .uint32: ProtoBinaryOutput.uint32Value(try ProtoJSONInput.uint32(value, name), &out)
            case .uint64: ProtoBinaryOutput.uint64Value(try ProtoJSONInput.uint64(value, name), &out)
            case .double: ProtoBinaryOutput.doubleValue(try ProtoJSONInput.double(value, name), &out)
            case .float: ProtoBinaryOutput.floatValue(try ProtoJSONInput.float(value, name), &out)
            case .sint32: ProtoBinaryOutput.sint32Value(try ProtoJSONInput.int32(value, name), &out)
            case .sint64: ProtoBinaryOutput.sint64Value(try ProtoJSONInput.int64(value, name), &out)
            case .fixed32: ProtoBinaryOutput.fixed32Value(try ProtoJSONInput.uint32(value, name), &out)
            case .fixed64: ProtoBinaryOutput.fixed64Value(try ProtoJSONInput.uint64(value, name), &out)
            case .sfixed32: ProtoBinaryOutput.sfixed32Value(try ProtoJSONInput.int32(value, name), &out)
            case .sfixed64: ProtoBinaryOutput.sfixed64Value(try ProtoJSONInput.int64(value, name), &out)
            case .enumeration(let schema):
                let number: Int32? = switch value {
                case .string(let text): schema.values.first { $0.name == text }?.number
                case .number(let text): Int32(text)
                default: nil
                }
                guard let number else { throw mismatch("not a \(schema.name) value: \(value.kindDescription)", name) }
                ProtoBinaryOutput.int32Value(number, &out)
            case .message, .map:
                throw mismatch("\(value.kindDescription) does not fit a \(field.type.protoName)", name)
            }
        } catch {
            throw error.code == .internal ? error : mismatch(error.message, name)
        }
    }

    /// Whether a singular proto3 field holds its default (which the binary form leaves out).
    static func isDefault(_ value: JSONValue, type: FieldType) -> Bool {
        switch (type, value) {
        case (.message, _), (.map, _): false
        case (_, .bool(let flag)): !flag
        case (.enumeration(let schema), .string(let name)): schema.values.first { $0.name == name }?.number == 0
        case (_, .string(let text)): text.isEmpty || (type.isPackable && Double(text) == 0 && text != "-0")
        case (_, .number(let text)): Double(text) == 0 && !text.hasPrefix("-")
        default: false
        }
    }

    static func mismatch(_ problem: String, _ field: String) -> ConnectError {
        ConnectError(.internal, "cannot write \"\(field)\" as binary protobuf: \(problem)")
    }
}
