public import JSON
public import RPC
public import ReplicaMath

/// Random proto3 JSON for any message schema, from a seed: the inputs of the codec round-trip
/// and golden tests.
///
/// Guarantees: the same seed gives the same values; every value fits its field's type (strings
/// include non-ASCII and characters JSON must escape; integers span their type's range, both
/// signs); recursion stops at `maxDepth`; canonical spellings only (lowerCamel keys, 64-bit
/// integers as strings, enums by name), each field present with probability ½.
public struct ProtoSamples {
    public var random: SeededGenerator
    public var maxDepth = 3

    public init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    public mutating func message(_ schema: MessageSchema, depth: Int = 0) -> JSONValue {
        var fields: [JSONField] = []
        for field in schema.fields where Bool.random(using: &random) {
            if case .message = field.type, depth >= maxDepth { continue }
            switch field.label {
            case .repeated:
                let count = Int.random(in: 0...3, using: &random)
                fields.append(JSONField(field.jsonName, .array((0..<count).map { _ in value(field.type, depth: depth) })))
            default:
                fields.append(JSONField(field.jsonName, value(field.type, depth: depth)))
            }
        }
        return .object(JSONObject(fields))
    }

    public mutating func value(_ type: FieldType, depth: Int) -> JSONValue {
        if case .float = type { return JSONWriter.number(Double(pick([0, 1.5, -2.25, Float(Int16.random(in: .min ... .max, using: &random)) / 4]))) }
        switch type.jsonForm {
        case .string: return .string(text())
        case .bytes: return .string(base64((0..<Int.random(in: 0...12, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }))
        case .bool: return .bool(Bool.random(using: &random))
        case .int32: return .number(String(pick([0, 1, -1, Int32.max, Int32.min, Int32.random(in: .min ... .max, using: &random)])))
        case .uint32: return .number(String(pick([0, 1, UInt32.max, UInt32.random(in: 0 ... .max, using: &random)])))
        case .int64: return .string(String(pick([0, 1, -1, Int64.max, Int64.min, Int64.random(in: .min ... .max, using: &random)])))
        case .uint64: return .string(String(pick([0, 1, UInt64.max, UInt64.random(in: 0 ... .max, using: &random)])))
        case .double: return JSONWriter.number(pick([0, 1.5, -2.25, 1e300, Double(Int32.random(in: .min ... .max, using: &random)) / 8]))
        case .enumeration(let schema): return .string(pick(schema.values.map(\.name)))
        case .message(let schema): return message(schema(), depth: depth + 1)
        case .map(let key, let valueType):
            var entries: [JSONField] = []
            var seen: Set<String> = []
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let keyText: String = switch key.jsonForm {
                case .string: text()
                case .bool: Bool.random(using: &random) ? "true" : "false"
                case .uint32, .uint64: String(UInt32.random(in: 0...1000, using: &random))
                default: String(Int32.random(in: -1000...1000, using: &random))
                }
                guard seen.insert(keyText).inserted else { continue }
                entries.append(JSONField(keyText, value(valueType, depth: depth)))
            }
            return .object(JSONObject(entries))
        case .float, .sint32, .sint64, .fixed32, .fixed64, .sfixed32, .sfixed64:
            return .null  // never: switched on the JSON form
        }
    }

    mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &random)] }

    mutating func text() -> String {
        let alphabet = Array("abcXYZ019 _-./\"\\\n\té€😀")
        return String((0..<Int.random(in: 0...8, using: &random)).map { _ in pick(alphabet) })
    }

    func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | (Int($1.element) << (16 - 8 * $1.offset)) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? table[(value >> (18 - 6 * position)) & 63] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
