public import RPC

/// `node.v1.HeartbeatRequest`.
public struct HeartbeatRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.HeartbeatRequest", [
        FieldSchema("from", 1, .string, required: true),
        FieldSchema("members", 2, .string, .repeated),
    ])

    /// The sender's node id.
    public var from: String
    /// The sender's view of the membership, as sorted ids.
    public var members: [String]

    public init(from: String, members: [String]) {
        self.from = from
        self.members = members
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        from = try r.requireString("from")
        members = try r.repeated("members")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("from", from)
        try w.write("members", members)
    }
}

/// `node.v1.HeartbeatResponse`.
public struct HeartbeatResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.HeartbeatResponse", [
        FieldSchema("node_id", 1, .string),
        FieldSchema("members", 2, .string, .repeated),
    ])

    public var nodeId: String
    public var members: [String]

    public init(nodeId: String, members: [String]) {
        self.nodeId = nodeId
        self.members = members
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        nodeId = try r.string("nodeId") ?? ""
        members = try r.repeated("members")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("nodeId", nodeId)
        try w.write("members", members)
    }
}
