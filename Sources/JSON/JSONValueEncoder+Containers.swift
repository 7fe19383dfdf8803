/// Fills one object under construction.
struct JSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let builder: JSONObjectBuilder
    let codingPath: [any CodingKey]

    init(_ builder: JSONObjectBuilder, codingPath: [any CodingKey]) {
        self.builder = builder
        self.codingPath = codingPath
    }

    mutating func encodeNil(forKey key: Key) { builder.append(key.stringValue, .null) }
    mutating func encode(_ value: String, forKey key: Key) { builder.append(key.stringValue, .string(value)) }
    mutating func encode(_ value: Bool, forKey key: Key) { builder.append(key.stringValue, .bool(value)) }
    mutating func encode(_ value: Int, forKey key: Key) { builder.append(key.stringValue, .number(String(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) { builder.append(key.stringValue, .number(String(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) { builder.append(key.stringValue, .number(String(value))) }
    mutating func encode(_ value: Double, forKey key: Key) { builder.append(key.stringValue, JSONWriter.number(value)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        builder.fields.append((key.stringValue, try JSONValueEncoder.node(value, path: codingPath + [key])))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBuilder()
        builder.fields.append((key.stringValue, .object(nested)))
        return KeyedEncodingContainer(JSONKeyedEncodingContainer<NestedKey>(nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBuilder()
        builder.fields.append((key.stringValue, .array(nested)))
        return JSONUnkeyedEncodingContainer(nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super", path: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue, path: codingPath + [key]) }

    private func superEncoder(named name: String, path: [any CodingKey]) -> any Encoder {
        let encoder = JSONValueEncoder(codingPath: path)
        let nested = JSONObjectBuilder()
        encoder.node = .object(nested)
        builder.fields.append((name, .object(nested)))
        return encoder
    }
}

/// Fills one list under construction.
struct JSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let builder: JSONArrayBuilder
    let codingPath: [any CodingKey]

    init(_ builder: JSONArrayBuilder, codingPath: [any CodingKey]) {
        self.builder = builder
        self.codingPath = codingPath
    }

    var count: Int { builder.items.count }
    private var position: [any CodingKey] { codingPath + [JSONIndexKey(count)] }

    mutating func encodeNil() { builder.items.append(.value(.null)) }
    mutating func encode(_ value: String) { builder.items.append(.value(.string(value))) }
    mutating func encode(_ value: Bool) { builder.items.append(.value(.bool(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        builder.items.append(try JSONValueEncoder.node(value, path: position))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBuilder()
        let path = position
        builder.items.append(.object(nested))
        return KeyedEncodingContainer(JSONKeyedEncodingContainer<NestedKey>(nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBuilder()
        let path = position
        builder.items.append(.array(nested))
        return JSONUnkeyedEncodingContainer(nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = JSONValueEncoder(codingPath: position)
        let nested = JSONObjectBuilder()
        encoder.node = .object(nested)
        builder.items.append(.object(nested))
        return encoder
    }
}

/// Sets the encoder's value to one primitive or encoded value.
struct JSONSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: JSONValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    init(_ encoder: JSONValueEncoder) { self.encoder = encoder }

    mutating func encodeNil() { encoder.node = .value(.null) }
    mutating func encode(_ value: String) { encoder.node = .value(.string(value)) }
    mutating func encode(_ value: Bool) { encoder.node = .value(.bool(value)) }
    mutating func encode(_ value: Int) { encoder.node = .value(.number(String(value))) }
    mutating func encode(_ value: Int64) { encoder.node = .value(.number(String(value))) }
    mutating func encode(_ value: Double) { encoder.node = .value(JSONWriter.number(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.node = try JSONValueEncoder.node(value, path: encoder.codingPath)
    }
}
