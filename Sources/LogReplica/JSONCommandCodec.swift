import JSON
package import ReplicatedLog

/// Commands and outputs as JSON text (what the log stores and ships between replicas).
package struct JSONCommandCodec: CommandCodec {
    package init() {}

    package func encode<T: Encodable>(_ value: T) throws -> [UInt8] { try JSONValueEncoder.bytes(value) }

    package func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONValueDecoder.decode(type, from: bytes)
    }
}
