public import JSON
/// A message that travels as proto3 JSON or binary protobuf and can describe its own schema.
///
/// Every message of our services is a `GeneratedMessage` (ProtoGen writes its codecs); the
/// defaults here, through `Codable` and the schema transcoder, serve any other type.
public protocol ProtoMessage: Codable, Sendable {
    static var schema: MessageSchema { get }
    /// Reads the message from proto3 JSON bytes.
    static func decodeJSON(_ bytes: [UInt8]) throws(ConnectError) -> Self
    /// Writes the message as proto3 JSON bytes.
    func encodeJSON() throws(ConnectError) -> [UInt8]
    /// Reads the message from binary protobuf (`application/proto`). Generated messages decode
    /// directly; others are transcoded through their schema to the JSON path.
    static func decodeBinary(_ bytes: [UInt8]) throws(ConnectError) -> Self
    /// Writes the message as binary protobuf.
    func encodeBinary() throws(ConnectError) -> [UInt8]
}

extension ProtoMessage {
    public static func decodeBinary(_ bytes: [UInt8]) throws(ConnectError) -> Self {
        try decodeJSON(try ProtoBinaryReader.json(from: bytes, schema: schema))
    }

    public func encodeBinary() throws(ConnectError) -> [UInt8] {
        try ProtoBinaryWriter.binary(fromJSON: try encodeJSON(), schema: Self.schema)
    }

    public static func decodeJSON(_ bytes: [UInt8]) throws(ConnectError) -> Self {
        try ProtoJSONCodec.decode(Self.self, from: bytes)
    }

    public func encodeJSON() throws(ConnectError) -> [UInt8] {
        try ProtoJSONCodec.encode(self)
    }
}

extension ProtoMessage where Self: ProtoJSONWritable {
    public func encodeJSON() throws(ConnectError) -> [UInt8] {
        ProtoJSONCodec.encodeWritable(self)
    }
}

/// A proto3 enum: encoded as its value name, decoded from the name or the number.
public protocol ProtoEnum: Codable, Sendable, Hashable, CaseIterable {
    static var protoName: String { get }
    /// The value's name in the .proto file, e.g. `SERVING`.
    var name: String { get }
    var number: Int32 { get }
}

extension ProtoEnum {
    public static var schema: EnumSchema {
        EnumSchema(protoName, allCases.map { ($0.name, $0.number) })
    }

    public init(from decoder: any Decoder) throws {
        try self.init(protoEnumFrom: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeProtoEnum(to: encoder)
    }

    /// Decodes the value's name or number (what `init(from:)` does; generated enums, which also
    /// have raw values, call it explicitly so that the raw-value coding is not chosen).
    public init(protoEnumFrom decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let name = try? container.decode(String.self) {
            guard let value = Self.allCases.first(where: { $0.name == name }) else {
                throw ConnectError(.invalidArgument, "unknown \(Self.protoName) value \"\(name)\"")
            }
            self = value
            return
        }
        if (try? container.decode(Bool.self)) != nil {
            throw ConnectError(.invalidArgument, "\(Self.protoName) must be a name or a number, not a boolean")
        }
        if let number = try? container.decode(Int32.self) {
            guard let value = Self.allCases.first(where: { $0.number == number }) else {
                throw ConnectError(.invalidArgument, "unknown \(Self.protoName) number \(number)")
            }
            self = value
            return
        }
        throw ConnectError(.invalidArgument, "\(Self.protoName) must be a name or a number")
    }

    /// Encodes the value's name.
    public func encodeProtoEnum(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// A coding key for any field name.
public typealias ProtoKey = JSONKey
