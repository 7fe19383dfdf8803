/// Writes one message's fields as canonical proto3 JSON.
///
/// lowerCamel keys, 64-bit integers as strings, enums by name; fields holding their default value
/// (empty, zero, false, nil) are omitted unless written with `always:`.
public struct ProtoWriter {
    var container: KeyedEncodingContainer<ProtoKey>

    public init(_ encoder: any Encoder) {
        container = encoder.container(keyedBy: ProtoKey.self)
    }

    public mutating func write(_ field: String, _ value: String, always: Bool = false) throws {
        if always || !value.isEmpty { try container.encode(value, forKey: ProtoKey(field)) }
    }

    public mutating func write(_ field: String, _ value: Bool, always: Bool = false) throws {
        if always || value { try container.encode(value, forKey: ProtoKey(field)) }
    }

    public mutating func write(_ field: String, _ value: Int32, always: Bool = false) throws {
        if always || value != 0 { try container.encode(value, forKey: ProtoKey(field)) }
    }

    public mutating func write(_ field: String, _ value: UInt32, always: Bool = false) throws {
        if always || value != 0 { try container.encode(value, forKey: ProtoKey(field)) }
    }

    public mutating func write(_ field: String, _ value: Double, always: Bool = false) throws {
        if always || value != 0 { try container.encode(value, forKey: ProtoKey(field)) }
    }

    /// int64 is a decimal string in proto3 JSON.
    public mutating func write(_ field: String, _ value: Int64, always: Bool = false) throws {
        if always || value != 0 { try container.encode(String(value), forKey: ProtoKey(field)) }
    }

    public mutating func write(_ field: String, _ value: UInt64, always: Bool = false) throws {
        if always || value != 0 { try container.encode(String(value), forKey: ProtoKey(field)) }
    }

    public mutating func write(_ field: String, _ values: [Int64]) throws {
        if !values.isEmpty { try container.encode(values.map(String.init), forKey: ProtoKey(field)) }
    }

    public mutating func write<E: ProtoEnum>(_ field: String, _ value: E, always: Bool = false) throws {
        if always || value.number != 0 { try container.encode(value, forKey: ProtoKey(field)) }
    }

    /// A message, list or map field; nil and empty collections are omitted.
    public mutating func write<T: Encodable>(_ field: String, _ value: T?) throws {
        guard let value else { return }
        if let collection = value as? any Collection, collection.isEmpty { return }
        try container.encode(value, forKey: ProtoKey(field))
    }

    /// `map<string, int64>`: values are decimal strings in proto3 JSON.
    public mutating func write(_ field: String, _ map: [String: Int64]) throws {
        if !map.isEmpty { try container.encode(map.mapValues(String.init), forKey: ProtoKey(field)) }
    }

    /// Optional scalars (proto3 `optional`): written whenever present, even at the default.
    public mutating func write(_ field: String, optional value: String?) throws {
        if let value { try container.encode(value, forKey: ProtoKey(field)) }
    }

    public mutating func write(_ field: String, optional value: Int64?) throws {
        if let value { try container.encode(String(value), forKey: ProtoKey(field)) }
    }

    public mutating func write(_ field: String, optional value: Int32?) throws {
        if let value { try container.encode(value, forKey: ProtoKey(field)) }
    }
}
