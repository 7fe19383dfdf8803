/// The two message encodings Connect speaks: proto3 JSON (`application/json`) and binary
/// protobuf (`application/proto`). A server answers in the codec of the request.
public enum WireCodec: String, Sendable, CaseIterable {
    case json
    case proto

    /// The unary content type.
    public var contentType: String { self == .json ? "application/json" : "application/proto" }
    /// The streaming (enveloped) content type.
    public var streamContentType: String { self == .json ? "application/connect+json" : "application/connect+proto" }
}

extension ProtoMessage {
    /// The message read in `codec`.
    public static func decode(_ bytes: [UInt8], codec: WireCodec) throws(ConnectError) -> Self {
        codec == .json ? try decodeJSON(bytes) : try decodeBinary(bytes)
    }

    /// The message written in `codec`.
    public func encode(codec: WireCodec) throws(ConnectError) -> [UInt8] {
        codec == .json ? try encodeJSON() : try encodeBinary()
    }
}
