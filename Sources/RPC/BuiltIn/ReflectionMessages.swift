/// `node.v1.MethodDescription`.
public struct MethodDescription: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.MethodDescription", [
        FieldSchema("name", 1, .string),
        FieldSchema("request_type", 2, .string),
        FieldSchema("response_type", 3, .string),
        FieldSchema("idempotency_level", 4, .string),
        FieldSchema("side_effect_free", 5, .bool),
        FieldSchema("server_streaming", 6, .bool),
    ])

    public var name = ""
    public var requestType = ""
    public var responseType = ""
    public var idempotencyLevel = ""
    public var sideEffectFree = false
    public var serverStreaming = false

    public init(_ info: RPCMethodInfo) {
        name = info.method
        requestType = info.request.name
        responseType = info.response.name
        idempotencyLevel = info.idempotency.rawValue
        sideEffectFree = info.isSideEffectFree
        serverStreaming = info.kind == .serverStreaming
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        name = try r.string("name") ?? ""
        requestType = try r.string("requestType") ?? ""
        responseType = try r.string("responseType") ?? ""
        idempotencyLevel = try r.string("idempotencyLevel") ?? ""
        sideEffectFree = try r.bool("sideEffectFree") ?? false
        serverStreaming = try r.bool("serverStreaming") ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("name", name)
        try w.write("requestType", requestType)
        try w.write("responseType", responseType)
        try w.write("idempotencyLevel", idempotencyLevel)
        try w.write("sideEffectFree", sideEffectFree)
        try w.write("serverStreaming", serverStreaming)
    }
}

/// `node.v1.ServiceDescription`.
public struct ServiceDescription: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.ServiceDescription", [
        FieldSchema("name", 1, .string),
        FieldSchema("methods", 2, .message { MethodDescription.schema }, .repeated),
    ])

    public var name: String
    public var methods: [MethodDescription]

    public init(name: String, methods: [MethodDescription]) {
        self.name = name
        self.methods = methods
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        name = try r.string("name") ?? ""
        methods = try r.repeated("methods")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("name", name)
        try w.write("methods", methods)
    }
}

/// `node.v1.ListServicesResponse`.
public struct ListServicesResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.ListServicesResponse", [
        FieldSchema("services", 1, .message { ServiceDescription.schema }, .repeated),
    ])

    public var services: [ServiceDescription]

    public init(services: [ServiceDescription]) { self.services = services }

    public init(from decoder: any Decoder) throws {
        services = try ProtoReader(decoder, Self.schema).repeated("services")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("services", services)
    }
}

/// `node.v1.ListServicesRequest`.
public struct ListServicesRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.ListServicesRequest", [])
    public init() {}
    public init(from decoder: any Decoder) throws { _ = try ProtoReader(decoder, Self.schema) }
    public func encode(to encoder: any Encoder) throws { _ = ProtoWriter(encoder) }
}
