/// `node.v1.FieldDescription`.
public struct FieldDescription: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.FieldDescription", [
        FieldSchema("name", 1, .string),
        FieldSchema("json_name", 2, .string),
        FieldSchema("number", 3, .int32),
        FieldSchema("type", 4, .string),
        FieldSchema("label", 5, .string),
    ])

    public var name = ""
    public var jsonName = ""
    public var number: Int32 = 0
    public var type = ""
    public var label = ""

    public init(_ field: FieldSchema) {
        name = field.name
        jsonName = field.jsonName
        number = Int32(field.number)
        type = field.type.protoName
        switch field.label {
        case .singular: label = ""
        case .optional: label = "optional"
        case .repeated: label = "repeated"
        }
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        name = try r.string("name") ?? ""
        jsonName = try r.string("jsonName") ?? ""
        number = try r.int32("number") ?? 0
        type = try r.string("type") ?? ""
        label = try r.string("label") ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("name", name)
        try w.write("jsonName", jsonName)
        try w.write("number", number)
        try w.write("type", type)
        try w.write("label", label)
    }
}

/// `node.v1.MessageDescription`.
public struct MessageDescription: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.MessageDescription", [
        FieldSchema("name", 1, .string),
        FieldSchema("fields", 2, .message { FieldDescription.schema }, .repeated),
    ])

    public var name: String
    public var fields: [FieldDescription]

    public init(_ schema: MessageSchema) {
        name = schema.name
        fields = schema.fields.map(FieldDescription.init)
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        name = try r.string("name") ?? ""
        fields = try r.repeated("fields")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("name", name)
        try w.write("fields", fields)
    }
}

/// `node.v1.DescribeServiceRequest`.
public struct DescribeServiceRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.DescribeServiceRequest", [FieldSchema("service", 1, .string, required: true)])

    public var service: String

    public init(service: String) { self.service = service }

    public init(from decoder: any Decoder) throws {
        service = try ProtoReader(decoder, Self.schema).requireString("service")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("service", service)
    }
}

/// `node.v1.DescribeServiceResponse`.
public struct DescribeServiceResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.DescribeServiceResponse", [
        FieldSchema("service", 1, .message { ServiceDescription.schema }),
        FieldSchema("messages", 2, .message { MessageDescription.schema }, .repeated),
    ])

    public var service: ServiceDescription?
    public var messages: [MessageDescription]

    public init(service: ServiceDescription, messages: [MessageDescription]) {
        self.service = service
        self.messages = messages
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        service = try r.decode("service")
        messages = try r.repeated("messages")
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("service", service)
        try w.write("messages", messages)
    }
}
