import JSON

/// Writes one message's fields as canonical proto3 JSON.
///
/// lowerCamel keys, 64-bit integers as strings, enums by name; fields holding their default value
/// (empty, zero, false, nil) are omitted unless written with `always:`.
public struct ProtoWriter {
    /// Our own encoder's object is filled directly; any other encoder through its container.
    private enum Sink {
        case object(JSONObjectBuilder)
        case container(KeyedEncodingContainer<ProtoKey>)
    }

    private var sink: Sink

    public init(_ encoder: any Encoder) {
        if let ours = encoder as? JSONValueEncoder, let object = ours.objectBuilder {
            sink = .object(object)
        } else {
            sink = .container(encoder.container(keyedBy: ProtoKey.self))
        }
    }

    private mutating func put(_ field: String, _ value: JSONValue) throws {
        switch sink {
        case .object(let object):
            object.append(field, value)
        case .container(var container):
            try container.encode(value, forKey: ProtoKey(field))
            sink = .container(container)
        }
    }

    private mutating func put<T: Encodable>(_ field: String, encoding value: T) throws {
        switch sink {
        case .object(let object):
            try object.append(field, encoding: value)
        case .container(var container):
            try container.encode(value, forKey: ProtoKey(field))
            sink = .container(container)
        }
    }

    public mutating func write(_ field: String, _ value: String, always: Bool = false) throws {
        if always || !value.isEmpty { try put(field, .string(value)) }
    }

    public mutating func write(_ field: String, _ value: Bool, always: Bool = false) throws {
        if always || value { try put(field, .bool(value)) }
    }

    public mutating func write(_ field: String, _ value: Int32, always: Bool = false) throws {
        if always || value != 0 { try put(field, .number(String(value))) }
    }

    public mutating func write(_ field: String, _ value: UInt32, always: Bool = false) throws {
        if always || value != 0 { try put(field, .number(String(value))) }
    }

    public mutating func write(_ field: String, _ value: Double, always: Bool = false) throws {
        if always || value != 0 { try put(field, JSONWriter.number(value)) }
    }

    /// int64 is a decimal string in proto3 JSON.
    public mutating func write(_ field: String, _ value: Int64, always: Bool = false) throws {
        if always || value != 0 { try put(field, .string(String(value))) }
    }

    public mutating func write(_ field: String, _ value: UInt64, always: Bool = false) throws {
        if always || value != 0 { try put(field, .string(String(value))) }
    }

    public mutating func write(_ field: String, _ values: [Int64]) throws {
        if !values.isEmpty { try put(field, .array(values.map { .string(String($0)) })) }
    }

    public mutating func write<E: ProtoEnum>(_ field: String, _ value: E, always: Bool = false) throws {
        if always || value.number != 0 { try put(field, .string(value.name)) }
    }

    /// A message field; nil is omitted.
    public mutating func write<T: Encodable>(_ field: String, _ value: T?) throws {
        guard let value else { return }
        try put(field, encoding: value)
    }

    /// A repeated field; empty is omitted.
    public mutating func write<T: Encodable>(_ field: String, _ values: [T]) throws {
        guard !values.isEmpty else { return }
        if case .object(let object) = sink {
            try object.append(field, encodingEach: values)
        } else {
            try put(field, encoding: values)
        }
    }

    /// A map field, keys in sorted order; empty is omitted.
    public mutating func write<T: Encodable>(_ field: String, _ map: [String: T]) throws {
        guard !map.isEmpty else { return }
        let entries = try map.sorted { $0.key < $1.key }.map { JSONField($0.key, try JSONValueEncoder.encode($0.value)) }
        try put(field, .object(JSONObject(entries)))
    }

    /// `map<string, int64>`: values are decimal strings in proto3 JSON.
    public mutating func write(_ field: String, _ map: [String: Int64]) throws {
        if !map.isEmpty { try put(field, .object(JSONObject(map.sorted { $0.key < $1.key }.map { JSONField($0.key, .string(String($0.value))) }))) }
    }

    /// Optional scalars (proto3 `optional`): written whenever present, even at the default.
    public mutating func write(_ field: String, optional value: String?) throws {
        if let value { try put(field, .string(value)) }
    }

    public mutating func write(_ field: String, optional value: Int64?) throws {
        if let value { try put(field, .string(String(value))) }
    }

    public mutating func write(_ field: String, optional value: Int32?) throws {
        if let value { try put(field, .number(String(value))) }
    }
}
