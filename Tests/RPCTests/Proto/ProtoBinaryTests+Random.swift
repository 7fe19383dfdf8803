import Foundation
import JSON
@testable import RPC
import ReplicaMath

/// Seeded random proto3 JSON for a schema, and the form it takes after a binary round trip.
extension ProtoBinaryTests {
    static func randomObject(_ schema: MessageSchema, depth: Int, using random: inout SeededGenerator) -> JSONObject {
        var object = JSONObject()
        for field in schema.fields where random.next() % 10 < 6 {
            let value: JSONValue
            switch (field.type, field.label) {
            case (.map(let keyType, let valueType), _):
                var entries: [JSONField] = []
                for index in 0..<Int(random.next() % 4) {
                    let key = switch keyType {
                    case .string: "k\(index)-\(random.next() % 100)"
                    default: String(Int32(truncatingIfNeeded: random.next() % 200) - 100 + Int32(index) * 1000)
                    }
                    entries.append(JSONField(key, randomScalar(valueType, depth: depth, using: &random)))
                }
                value = .object(JSONObject(entries))
            case (_, .repeated):
                value = .array((0..<Int(random.next() % 4)).map { _ in randomScalar(field.type, depth: depth, using: &random) })
            default:
                if case .message = field.type, depth >= 3 { continue }
                value = randomScalar(field.type, depth: depth, using: &random)
            }
            object.fields.append(JSONField(field.jsonName, value))
        }
        return object
    }

    static func randomScalar(_ type: FieldType, depth: Int, using random: inout SeededGenerator) -> JSONValue {
        let zero = random.next() % 5 == 0  // defaults must survive too
        if case .float = type { return JSONWriter.number(zero ? 0 : [0.5, -2.25, 3, 1024][Int(random.next() % 4)]) }
        switch type.jsonForm {
        case .string: return .string(zero ? "" : ["a", "héllo", "😀 x", "line\nbreak", "\"quoted\""][Int(random.next() % 5)])
        case .bool: return .bool(random.next() % 2 == 0)
        case .int32: return .number(zero ? "0" : String(Int32(truncatingIfNeeded: random.next())))
        case .uint32: return .number(zero ? "0" : String(UInt32(truncatingIfNeeded: random.next())))
        case .int64: return .string(zero ? "0" : String(Int64(bitPattern: random.next())))
        case .uint64: return .string(zero ? "0" : String(random.next()))
        case .double: return JSONWriter.number(zero ? 0 : [0.5, -2.25, 1e300, 3, -7e-12, 123456.789][Int(random.next() % 6)])
        case .bytes: return .string(Data((0..<Int(random.next() % 6)).map { _ in UInt8(truncatingIfNeeded: random.next()) }).base64EncodedString())
        case .enumeration(let schema): return .string(schema.values[Int(random.next() % UInt64(schema.values.count))].name)
        case .message(let schema): return .object(randomObject(schema(), depth: depth + 1, using: &random))
        case .map: return .object(JSONObject())
        case .float, .sint32, .sint64, .fixed32, .fixed64, .sfixed32, .sfixed64: return .null  // never: switched on the JSON form
        }
    }

    /// What the binary form keeps: singular proto3 defaults, empty lists and empty maps go.
    static func withoutDefaults(_ object: JSONObject, _ schema: MessageSchema) -> JSONObject {
        var out = JSONObject()
        for field in object.fields {
            guard let schemaField = schema.field(named: field.key) else { continue }
            switch (schemaField.type, schemaField.label, field.value) {
            case (.map(_, let valueType), _, .object(let entries)):
                guard entries.count > 0 else { continue }
                out.fields.append(JSONField(field.key, .object(JSONObject(entries.fields.map { JSONField($0.key, normalized($0.value, valueType)) }))))
            case (_, .repeated, .array(let items)):
                guard !items.isEmpty else { continue }
                out.fields.append(JSONField(field.key, .array(items.map { normalized($0, schemaField.type) })))
            default:
                if schemaField.label != .optional, ProtoBinaryWriter.isDefault(field.value, type: schemaField.type) { continue }
                out.fields.append(JSONField(field.key, normalized(field.value, schemaField.type)))
            }
        }
        return out
    }

    static func normalized(_ value: JSONValue, _ type: FieldType) -> JSONValue {
        if case .message(let schema) = type, case .object(let object) = value { return .object(withoutDefaults(object, schema())) }
        return value
    }
}
