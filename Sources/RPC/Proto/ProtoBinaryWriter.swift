import Foundation
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
                    appendTag(field.number, .lengthDelimited, into: &out)
                    appendVarint(UInt64(body.count), into: &out)
                    out.append(contentsOf: body)
                }
            case (_, .repeated):
                guard case .array(let items) = value else { throw mismatch("a repeated field must be a list", field.name) }
                guard !items.isEmpty else { continue }
                if field.type.isPackable {
                    var packed: [UInt8] = []
                    for item in items { try appendScalar(item, field: field, into: &packed) }
                    appendTag(field.number, .lengthDelimited, into: &out)
                    appendVarint(UInt64(packed.count), into: &out)
                    out.append(contentsOf: packed)
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
            appendTag(field.number, .lengthDelimited, into: &out)
            appendVarint(UInt64(body.count), into: &out)
            out.append(contentsOf: body)
            return
        }
        appendTag(field.number, field.type.scalarWireType, into: &out)
        try appendScalar(value, field: field, into: &out)
    }

    /// A scalar's value without its tag (what packed fields hold).
    static func appendScalar(_ value: JSONValue, field: FieldSchema, into out: inout [UInt8]) throws(ConnectError) {
        if field.type.jsonForm.protoName != field.type.protoName {
            // Read the value as its JSON form, then write that form's value the binary way.
            var plain: [UInt8] = []
            try appendScalar(value, field: FieldSchema(field.name, field.number, field.type.jsonForm), into: &plain)
            var input = WireInput(plain)
            switch field.type {
            case .sint32: ProtoBinaryOutput.varint(ProtoZigZag.encode32(Int32(truncatingIfNeeded: try input.varint(field.name))), &out)
            case .sint64: ProtoBinaryOutput.varint(ProtoZigZag.encode64(Int64(bitPattern: try input.varint(field.name))), &out)
            case .fixed32: ProtoBinaryOutput.fixed32Value(UInt32(truncatingIfNeeded: try input.varint(field.name)), &out)
            case .sfixed32: ProtoBinaryOutput.fixed32Value(UInt32(truncatingIfNeeded: try input.varint(field.name)), &out)
            case .fixed64, .sfixed64: ProtoBinaryOutput.fixed64Value(try input.varint(field.name), &out)
            case .float: ProtoBinaryOutput.floatValue(Float(Double(bitPattern: try input.fixed64(field.name))), &out)
            default: break
            }
            return
        }
        switch (field.type, value) {
        case (.string, .string(let text)):
            appendVarint(UInt64(text.utf8.count), into: &out)
            out.append(contentsOf: text.utf8)
        case (.bytes, .string(let text)):
            guard let data = Data(base64Encoded: text) ?? Data(base64Encoded: base64Standard(text)) else { throw mismatch("bytes must be base64", field.name) }
            appendVarint(UInt64(data.count), into: &out)
            out.append(contentsOf: data)
        case (.bool, .bool(let flag)):
            out.append(flag ? 1 : 0)
        case (.int32, .number(let text)), (.int32, .string(let text)), (.int64, .number(let text)), (.int64, .string(let text)):
            guard let number = Int64(text) ?? Double(text).flatMap({ Int64(exactly: $0) }) else { throw mismatch("not an integer: \(text)", field.name) }
            appendVarint(UInt64(bitPattern: number), into: &out)
        case (.uint32, .number(let text)), (.uint32, .string(let text)), (.uint64, .number(let text)), (.uint64, .string(let text)):
            guard let number = UInt64(text) ?? Double(text).flatMap({ UInt64(exactly: $0) }) else { throw mismatch("not an unsigned integer: \(text)", field.name) }
            appendVarint(number, into: &out)
        case (.double, .number(let text)), (.double, .string(let text)):
            let number: Double? = switch text {
            case "NaN": .nan
            case "Infinity": .infinity
            case "-Infinity": -.infinity
            default: Double(text)
            }
            guard let number else { throw mismatch("not a number: \(text)", field.name) }
            var bits = number.bitPattern
            for _ in 0..<8 {
                out.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
            }
        case (.enumeration(let schema), .string(let name)):
            guard let number = schema.values.first(where: { $0.name == name })?.number else { throw mismatch("unknown enum value \(name)", field.name) }
            appendVarint(UInt64(bitPattern: Int64(number)), into: &out)
        case (.enumeration, .number(let text)):
            guard let number = Int32(text) else { throw mismatch("not an enum number: \(text)", field.name) }
            appendVarint(UInt64(bitPattern: Int64(number)), into: &out)
        default:
            throw mismatch("\(value.kindDescription) does not fit a \(field.type.protoName)", field.name)
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

    static func appendTag(_ number: Int, _ wireType: WireType, into out: inout [UInt8]) {
        appendVarint(UInt64(number) << 3 | UInt64(wireType.rawValue), into: &out)
    }

    static func appendVarint(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    /// URL-safe or unpadded base64 in the standard alphabet, padded.
    static func base64Standard(_ text: String) -> String {
        let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return standard + String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
    }

    static func mismatch(_ problem: String, _ field: String) -> ConnectError {
        ConnectError(.internal, "cannot write \"\(field)\" as binary protobuf: \(problem)")
    }
}
