import Foundation
import JSON

/// Reads a binary protobuf message (the protobuf encoding spec) into the proto3 JSON form our
/// message types decode, driven by the message's `MessageSchema`: the binary codec of default
/// Connect clients (`application/proto`) rides on the one JSON decoding path every message has.
///
/// Guarantees: never traps and never allocates more than the input implies on hostile bytes —
/// truncated or malformed input, a field number outside 1…2²⁹−1, a wire type that does not fit
/// the field, invalid UTF-8 in a string, or nesting deeper than `maxDepth` is `invalid_argument`
/// naming the field; unknown fields are skipped; of a singular field written more than once the
/// last wins (also for an embedded message, which the spec would merge: no client of ours splits
/// one, and merging would let hostile input cost quadratic time); packed and unpacked repeated
/// scalars are both read; work is linear in the input;
/// int64 and uint64 come out as JSON strings, enums by name (by number when unknown), bytes as
/// base64.
public enum ProtoBinaryReader {
    public static let maxDepth = 64
    static let maxFieldNumber: UInt64 = (1 << 29) - 1

    /// The proto3 JSON text of the binary `bytes` of a `schema` message.
    public static func json(from bytes: [UInt8], schema: MessageSchema) throws(ConnectError) -> [UInt8] {
        JSONWriter.bytes(.object(try object(bytes, 0..<bytes.count, schema: schema, depth: 0)))
    }

    /// The message in `range` of `bytes` as a JSON object (fields in schema order).
    static func object(_ bytes: [UInt8], _ range: Range<Int>, schema: MessageSchema, depth: Int) throws(ConnectError) -> JSONObject {
        guard depth < maxDepth else { throw invalid("messages nested deeper than \(maxDepth)", schema.name) }
        var wire = WireInput(bytes: bytes, position: range.lowerBound, end: range.upperBound)
        var singular: [Int: JSONValue] = [:]
        var repeated: [Int: [JSONValue]] = [:]
        var entries: [Int: [JSONField]] = [:]
        var entryPositions: [Int: [String: Int]] = [:]
        while !wire.atEnd {
            let key = try wire.varint(schema.name)
            let number = key >> 3
            guard number >= 1, number <= maxFieldNumber, let wireType = WireType(rawValue: UInt8(key & 7)) else {
                throw invalid("field number \(number) or wire type \(key & 7) is not allowed", schema.name)
            }
            guard let index = schema.fields.firstIndex(where: { $0.number == Int(number) }) else {
                try wire.skip(wireType, schema.name)
                continue
            }
            let field = schema.fields[index]
            switch (field.type, field.label) {
            case (.map(let keyType, let valueType), _):
                guard wireType == .lengthDelimited else { throw invalid("a map entry must be length-delimited", field.name) }
                let entry = try wire.lengthDelimited(field.name)
                let entrySchema = MessageSchema(field.name + ".entry", [FieldSchema("key", 1, keyType), FieldSchema("value", 2, valueType)])
                let decoded = try object(bytes, entry, schema: entrySchema, depth: depth + 1)
                let mapKey = try Self.mapKey(decoded["key"], type: keyType)
                let mapValue = decoded["value"] ?? Self.defaultValue(valueType)
                if let position = entryPositions[index]?[mapKey] {
                    entries[index]?[position].value = mapValue  // a repeated key: the last one wins
                } else {
                    entryPositions[index, default: [:]][mapKey] = entries[index, default: []].count
                    entries[index, default: []].append(JSONField(mapKey, mapValue))
                }
            case (_, .repeated):
                if wireType == .lengthDelimited, field.type.isPackable {
                    let packed = try wire.lengthDelimited(field.name)
                    var inner = WireInput(bytes: bytes, position: packed.lowerBound, end: packed.upperBound)
                    while !inner.atEnd {
                        repeated[index, default: []].append(try scalar(&inner, field.type.scalarWireType, field: field, depth: depth))
                    }
                } else {
                    repeated[index, default: []].append(try value(&wire, wireType, field: field, depth: depth))
                }
            default:
                singular[index] = try value(&wire, wireType, field: field, depth: depth)
            }
        }
        var out = JSONObject()
        for (index, field) in schema.fields.enumerated() {
            if let value = singular[index] { out.fields.append(JSONField(field.jsonName, value)) }
            if let values = repeated[index] { out.fields.append(JSONField(field.jsonName, .array(values))) }
            if let fields = entries[index] { out.fields.append(JSONField(field.jsonName, .object(JSONObject(fields)))) }
        }
        return out
    }

    /// One value of `field` (a message or a scalar) whose tag said `wireType`.
    static func value(_ wire: inout WireInput, _ wireType: WireType, field: FieldSchema, depth: Int) throws(ConnectError) -> JSONValue {
        if case .message(let schema) = field.type {
            guard wireType == .lengthDelimited else { throw invalid("a message must be length-delimited", field.name) }
            let range = try wire.lengthDelimited(field.name)
            return .object(try object(wire.bytes, range, schema: schema(), depth: depth + 1))
        }
        return try scalar(&wire, wireType, field: field, depth: depth)
    }

    static func scalar(_ wire: inout WireInput, _ wireType: WireType, field: FieldSchema, depth: Int) throws(ConnectError) -> JSONValue {
        guard wireType == field.type.scalarWireType else {
            throw invalid("wire type \(wireType.rawValue) does not fit a \(field.type.protoName)", field.name)
        }
        switch field.type {
        case .string:
            let range = try wire.lengthDelimited(field.name)
            guard let text = String(validating: wire.bytes[range], as: UTF8.self) else { throw invalid("a string is not valid UTF-8", field.name) }
            return .string(text)
        case .bytes:
            let range = try wire.lengthDelimited(field.name)
            return .string(Data(wire.bytes[range]).base64EncodedString())
        case .bool: return .bool(try wire.varint(field.name) != 0)
        case .int32: return .number(String(Int32(truncatingIfNeeded: try wire.varint(field.name))))
        case .uint32: return .number(String(UInt32(truncatingIfNeeded: try wire.varint(field.name))))
        case .int64: return .string(String(Int64(bitPattern: try wire.varint(field.name))))
        case .uint64: return .string(String(try wire.varint(field.name)))
        case .double: return JSONWriter.number(Double(bitPattern: try wire.fixed64(field.name)))
        case .float: return JSONWriter.number(Double(Float(bitPattern: try wire.fixed32(field.name))))
        case .sint32: return .number(String(ProtoZigZag.decode32(try wire.varint(field.name))))
        case .sint64: return .string(String(ProtoZigZag.decode64(try wire.varint(field.name))))
        case .fixed32: return .number(String(try wire.fixed32(field.name)))
        case .fixed64: return .string(String(try wire.fixed64(field.name)))
        case .sfixed32: return .number(String(Int32(bitPattern: try wire.fixed32(field.name))))
        case .sfixed64: return .string(String(Int64(bitPattern: try wire.fixed64(field.name))))
        case .enumeration(let schema):
            let number = Int32(truncatingIfNeeded: try wire.varint(field.name))
            return schema.values.first { $0.number == number }.map { .string($0.name) } ?? .number(String(number))
        case .message, .map:
            throw invalid("not a scalar", field.name)
        }
    }

    static func mapKey(_ value: JSONValue?, type: FieldType) throws(ConnectError) -> String {
        switch value {
        case .string(let text)?: return text
        case .number(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        case nil:
            if case .bool = type { return "false" }
            if case .string = type { return "" }
            return "0"
        default: throw invalid("a map key must be a scalar", "key")
        }
    }

    /// The JSON of a field's default (a map entry without its value).
    static func defaultValue(_ type: FieldType) -> JSONValue {
        switch type.jsonForm {
        case .string, .bytes: .string("")
        case .bool: .bool(false)
        case .int32, .uint32, .double: .number("0")
        case .int64, .uint64: .string("0")
        case .enumeration(let schema): schema.values.first { $0.number == 0 }.map { .string($0.name) } ?? .number("0")
        case .message, .map: .object(JSONObject())
        case .float, .sint32, .sint64, .fixed32, .fixed64, .sfixed32, .sfixed64: .number("0")  // never: jsonForm maps them
        }
    }

    static func invalid(_ problem: String, _ field: String) -> ConnectError {
        ConnectError(.invalidArgument, "malformed binary message at \"\(field)\": \(problem)")
    }
}
