/// A `JSONValue` can be decoded from and encoded to any Codable format, so code written against
/// it also works when handed a decoder or encoder other than ours.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let ours = decoder as? JSONValueDecoder {
            self = ours.value
            return
        }
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !list.isAtEnd { items.append(try list.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: JSONKey.self) {
            let fields = try object.allKeys.map { JSONField($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) }
            self = .object(JSONObject(fields.sorted { $0.key < $1.key }))
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? single.decode(Int64.self) {
            self = .number(String(integer))
        } else if let number = try? single.decode(Double.self) {
            self = JSONWriter.number(number)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .number(let text):
            var single = encoder.singleValueContainer()
            if let integer = Int64(text) { try single.encode(integer) } else { try single.encode(Double(text) ?? 0) }
        case .string(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .array(let items):
            var list = encoder.unkeyedContainer()
            for item in items { try list.encode(item) }
        case .object(let object):
            var keyed = encoder.container(keyedBy: JSONKey.self)
            for field in object.fields { try keyed.encode(field.value, forKey: JSONKey(field.key)) }
        }
    }
}

/// A coding key for any object key.
public struct JSONKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
