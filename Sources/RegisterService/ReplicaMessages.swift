public import JSON
public import RegisterCore
public import RPC

/// `register.v1.ReplicaEntry`: one key's stored entry as replicas exchange it.
public struct ReplicaEntryMessage: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable {
    public static let schema = MessageSchema("register.v1.ReplicaEntry", [
        FieldSchema("key", 1, .string),
        FieldSchema("found", 2, .bool),
        FieldSchema("version", 3, .message { VersionMessage.schema }),
        FieldSchema("value", 4, .string),
        FieldSchema("tombstone", 5, .bool),
    ])

    public var key: String
    public var entry: Entry?

    public init(key: String, entry: Entry?) {
        self.key = key
        self.entry = entry
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        key = try r.string("key") ?? ""
        if try r.bool("found") ?? false {
            let version = try r.decode("version", as: VersionMessage.self)?.core ?? .zero
            entry = Entry(version: version, value: try r.bool("tombstone") == true ? nil : (try r.string("value") ?? ""))
        } else {
            entry = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("key", key)
        guard let entry else { return }
        try w.write("found", true)
        try w.write("version", VersionMessage(entry.version))
        try w.write("value", entry.value ?? "")
        try w.write("tombstone", entry.value == nil)
    }

    private static let canonicalFields: Set<String> = ["key", "found", "version", "value", "tombstone"]

    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: Self.canonicalFields),
              let key = CanonicalJSON.string(object["key"]), let found = CanonicalJSON.bool(object["found"]),
              let text = CanonicalJSON.string(object["value"]), let tombstone = CanonicalJSON.bool(object["tombstone"]),
              let version = CanonicalJSON.message(object["version"], of: VersionMessage.self) else { return nil }
        self.key = key ?? ""
        entry = found == true ? Entry(version: version?.core ?? .zero, value: tombstone == true ? nil : (text ?? "")) : nil
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.string("key", key, &out)
        if let entry {
            w.bool("found", true, &out)
            w.message("version", VersionMessage(entry.version), &out)
            w.string("value", entry.value ?? "", &out)
            w.bool("tombstone", entry.value == nil, &out)
        }
        w.finish(&out)
    }
}

/// `register.v1.QueryRequest`.
public struct QueryRequest: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable {
    public static let schema = MessageSchema("register.v1.QueryRequest", [FieldSchema("keys", 1, .string, .repeated)])
    public var keys: [String]

    public init(keys: [String]) { self.keys = keys }

    public init(from decoder: any Decoder) throws { keys = try ProtoReader(decoder, Self.schema).repeated("keys") }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("keys", keys)
    }

    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["keys"]), let keys = CanonicalJSON.strings(object["keys"]) else { return nil }
        self.keys = keys
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.strings("keys", keys, &out)
        w.finish(&out)
    }
}

/// `register.v1.QueryResponse`.
public struct QueryResponse: ReplicaEntryList, Equatable {
    public static let schema = MessageSchema("register.v1.QueryResponse", [
        FieldSchema("entries", 1, .message { ReplicaEntryMessage.schema }, .repeated),
    ])
    public var entries: [ReplicaEntryMessage]

    public init(entries: [ReplicaEntryMessage]) { self.entries = entries }
}

/// `register.v1.StoreRequest`.
public struct StoreRequest: ReplicaEntryList, Equatable {
    public static let schema = MessageSchema("register.v1.StoreRequest", [
        FieldSchema("entries", 1, .message { ReplicaEntryMessage.schema }, .repeated),
    ])
    public var entries: [ReplicaEntryMessage]

    public init(entries: [ReplicaEntryMessage]) { self.entries = entries }
}

/// `register.v1.StoreResponse`.
public struct StoreResponse: ProtoMessage, ProtoJSONWritable, Equatable {
    public static let schema = MessageSchema("register.v1.StoreResponse", [FieldSchema("stored", 1, .int32)])
    public var stored: Int32

    public init(stored: Int32) { self.stored = stored }

    public init(from decoder: any Decoder) throws { stored = try ProtoReader(decoder, Self.schema).int32("stored") ?? 0 }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("stored", stored)
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.int32("stored", stored, &out)
        w.finish(&out)
    }
}

/// `register.v1.KeyVersion`.
public struct KeyVersionMessage: ProtoMessage, Equatable {
    public static let schema = MessageSchema("register.v1.KeyVersion", [
        FieldSchema("key", 1, .string),
        FieldSchema("version", 2, .message { VersionMessage.schema }),
    ])
    public var key: String
    public var version: VersionMessage

    public init(key: String, version: Version) {
        self.key = key
        self.version = VersionMessage(version)
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        key = try r.string("key") ?? ""
        version = try r.decode("version") ?? VersionMessage(.zero)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("key", key)
        try w.write("version", version)
    }
}

/// `register.v1.SyncRequest`.
public struct SyncRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("register.v1.SyncRequest", [
        FieldSchema("digest", 1, .message { KeyVersionMessage.schema }, .repeated),
    ])
    public var digest: [KeyVersionMessage]

    public init(digest: [KeyVersionMessage]) { self.digest = digest }

    public init(from decoder: any Decoder) throws { digest = try ProtoReader(decoder, Self.schema).repeated("digest") }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("digest", digest)
    }
}

/// `register.v1.SyncResponse`.
public struct SyncResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("register.v1.SyncResponse", [
        FieldSchema("newer", 1, .message { ReplicaEntryMessage.schema }, .repeated),
        FieldSchema("missing", 2, .string, .repeated),
    ])
    public var newer: [ReplicaEntryMessage]
    public var missing: [String]

    public init(newer: [ReplicaEntryMessage], missing: [String]) {
        self.newer = newer
        self.missing = missing
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        newer = try r.repeated("newer")
        missing = try r.repeated("missing")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("newer", newer)
        try w.write("missing", missing)
    }
}
