/// `node.v1.ServingStatus`.
public enum ServingStatus: ProtoEnum {
    case unknown, serving, notServing

    public static let protoName = "node.v1.ServingStatus"

    public var name: String {
        switch self {
        case .unknown: "UNKNOWN"
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        }
    }

    public var number: Int32 {
        switch self {
        case .unknown: 0
        case .serving: 1
        case .notServing: 2
        }
    }
}

/// `node.v1.CheckRequest`.
public struct HealthCheckRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.CheckRequest", [FieldSchema("service", 1, .string)])

    /// Empty for the node as a whole, or a service name.
    public var service: String

    public init(service: String = "") { self.service = service }

    public init(from decoder: any Decoder) throws {
        let reader = try ProtoReader(decoder, Self.schema)
        service = try reader.string("service") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var writer = ProtoWriter(encoder)
        try writer.write("service", service)
    }
}

/// `node.v1.CheckResponse`.
public struct HealthCheckResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.CheckResponse", [
        FieldSchema("status", 1, .enumeration(ServingStatus.schema)),
        FieldSchema("role", 2, .string),
        FieldSchema("node_id", 3, .string),
        FieldSchema("version", 4, .string),
        FieldSchema("reason", 5, .string),
    ])

    public var status: ServingStatus
    public var role: String
    public var nodeId: String
    public var version: String
    /// Why the node is not serving (empty when serving).
    public var reason: String

    public init(status: ServingStatus, role: String, nodeId: String, version: String, reason: String = "") {
        self.status = status
        self.role = role
        self.nodeId = nodeId
        self.version = version
        self.reason = reason
    }

    public init(from decoder: any Decoder) throws {
        let reader = try ProtoReader(decoder, Self.schema)
        status = try reader.decode("status", as: ServingStatus.self) ?? .unknown
        role = try reader.string("role") ?? ""
        nodeId = try reader.string("nodeId") ?? ""
        version = try reader.string("version") ?? ""
        reason = try reader.string("reason") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var writer = ProtoWriter(encoder)
        try writer.write("status", status)
        try writer.write("role", role)
        try writer.write("nodeId", nodeId)
        try writer.write("version", version)
        try writer.write("reason", reason)
    }
}
