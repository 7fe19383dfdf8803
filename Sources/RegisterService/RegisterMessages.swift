public import JSON
public import RegisterCore
public import RPC

/// `register.v1.Version`.
public struct VersionMessage: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable, Comparable {
    public static let schema = MessageSchema("register.v1.Version", [
        FieldSchema("counter", 1, .int64),
        FieldSchema("writer_id", 2, .string),
    ])

    public var counter: Int64
    public var writerId: String

    public init(_ version: Version) {
        counter = Int64(clamping: version.counter)
        writerId = version.writer
    }

    public var core: Version { Version(counter: UInt64(max(0, counter)), writer: writerId) }

    public static func < (a: VersionMessage, b: VersionMessage) -> Bool { a.core < b.core }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        counter = try r.int64("counter") ?? 0
        writerId = try r.string("writerId") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("counter", counter)
        try w.write("writerId", writerId)
    }

    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["counter", "writerId"]),
              let counter = CanonicalJSON.int64(object["counter"]), let writer = CanonicalJSON.string(object["writerId"]) else { return nil }
        self.counter = counter ?? 0
        writerId = writer ?? ""
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.int64("counter", counter, &out)
        w.string("writerId", writerId, &out)
        w.finish(&out)
    }
}

/// `register.v1.WriteRequest`.
public struct WriteRequest: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable {
    public static let schema = MessageSchema("register.v1.WriteRequest", [
        FieldSchema("key", 1, .string, required: true),
        FieldSchema("value", 2, .string),
        FieldSchema("request_id", 3, .string),
    ])

    public var key: String
    public var value: String
    public var requestId: String?

    public init(key: String, value: String, requestId: String? = nil) {
        self.key = key
        self.value = value
        self.requestId = requestId
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        key = try r.requireString("key")
        value = try r.string("value") ?? ""
        requestId = try r.string("requestId").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("key", key)
        try w.write("value", value)
        try w.write("requestId", requestId ?? "")
    }

    /// Canonical input only; an empty or missing key is left to `init(from:)` to judge.
    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["key", "value", "requestId"]),
              let key = CanonicalJSON.string(object["key"]) ?? nil, !key.isEmpty,
              let text = CanonicalJSON.string(object["value"]), let requestId = CanonicalJSON.string(object["requestId"]) else { return nil }
        self.key = key
        self.value = text ?? ""
        self.requestId = requestId.flatMap { $0.isEmpty ? nil : $0 }
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.string("key", key, &out)
        w.string("value", value, &out)
        w.string("requestId", requestId ?? "", &out)
        w.finish(&out)
    }
}

/// `register.v1.WriteResponse` and `register.v1.DeleteResponse` (same shape).
public struct WriteResponse: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable {
    public static let schema = MessageSchema("register.v1.WriteResponse", [FieldSchema("version", 1, .message { VersionMessage.schema })])
    public var version: VersionMessage

    public init(version: VersionMessage) { self.version = version }

    public init(from decoder: any Decoder) throws {
        version = try ProtoReader(decoder, Self.schema).decode("version") ?? VersionMessage(.zero)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("version", version)
    }

    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["version"]),
              let version = CanonicalJSON.message(object["version"], of: VersionMessage.self) else { return nil }
        self.version = version ?? VersionMessage(.zero)
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.message("version", version, &out)
        w.finish(&out)
    }
}

/// `register.v1.DeleteResponse`.
public struct DeleteResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("register.v1.DeleteResponse", [FieldSchema("version", 1, .message { VersionMessage.schema })])
    public var version: VersionMessage

    public init(version: VersionMessage) { self.version = version }

    public init(from decoder: any Decoder) throws {
        version = try ProtoReader(decoder, Self.schema).decode("version") ?? VersionMessage(.zero)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("version", version)
    }
}

/// `register.v1.ReadRequest`.
public struct ReadRequest: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable {
    public static let schema = MessageSchema("register.v1.ReadRequest", [FieldSchema("key", 1, .string, required: true)])
    public var key: String

    public init(key: String) { self.key = key }

    public init(from decoder: any Decoder) throws {
        key = try ProtoReader(decoder, Self.schema).requireString("key")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("key", key)
    }

    /// Canonical input only; an empty or missing key is left to `init(from:)` to judge.
    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["key"]),
              let key = CanonicalJSON.string(object["key"]) ?? nil, !key.isEmpty else { return nil }
        self.key = key
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.string("key", key, &out)
        w.finish(&out)
    }
}

/// `register.v1.ReadResponse`.
public struct ReadResponse: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable {
    public static let schema = MessageSchema("register.v1.ReadResponse", [
        FieldSchema("found", 1, .bool),
        FieldSchema("value", 2, .string),
        FieldSchema("version", 3, .message { VersionMessage.schema }),
    ])

    public var found: Bool
    public var value: String
    public var version: VersionMessage?

    public init(entry: Entry?) {
        found = entry?.value != nil
        value = entry?.value ?? ""
        version = entry.map { VersionMessage($0.version) }
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        found = try r.bool("found") ?? false
        value = try r.string("value") ?? ""
        version = try r.decode("version")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("found", found)
        try w.write("value", value)
        try w.write("version", version)
    }

    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["found", "value", "version"]),
              let found = CanonicalJSON.bool(object["found"]), let text = CanonicalJSON.string(object["value"]),
              let version = CanonicalJSON.message(object["version"], of: VersionMessage.self) else { return nil }
        self.found = found ?? false
        self.value = text ?? ""
        self.version = version
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.bool("found", found, &out)
        w.string("value", value, &out)
        if let version { w.message("version", version, &out) }
        w.finish(&out)
    }
}

/// `register.v1.DeleteRequest`.
public struct DeleteRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("register.v1.DeleteRequest", [
        FieldSchema("key", 1, .string, required: true),
        FieldSchema("request_id", 2, .string),
    ])

    public var key: String
    public var requestId: String?

    public init(key: String, requestId: String? = nil) {
        self.key = key
        self.requestId = requestId
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        key = try r.requireString("key")
        requestId = try r.string("requestId").flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("key", key)
        try w.write("requestId", requestId ?? "")
    }
}
