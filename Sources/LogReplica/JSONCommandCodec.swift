import JSON
public import ReplicatedLog

/// Commands and outputs as JSON text (what the log stores and ships between replicas).
public struct JSONCommandCodec: CommandCodec {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] { try JSONValueEncoder.bytes(value) }

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONValueDecoder.decode(type, from: bytes)
    }
}
