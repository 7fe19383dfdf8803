public import JSON
public import RPC

/// A message made of one repeated `entries` field of replica entries (QueryResponse,
/// StoreRequest): both coding paths, written once.
public protocol ReplicaEntryList: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable {
    var entries: [ReplicaEntryMessage] { get }
    init(entries: [ReplicaEntryMessage])
}

extension ReplicaEntryList {
    public init(from decoder: any Decoder) throws { self.init(entries: try ProtoReader(decoder, Self.schema).repeated("entries")) }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("entries", entries)
    }

    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["entries"]),
              let entries = CanonicalJSON.messages(object["entries"], of: ReplicaEntryMessage.self) else { return nil }
        self.init(entries: entries)
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.messages("entries", entries, &out)
        w.finish(&out)
    }
}
