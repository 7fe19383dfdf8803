/// Reflection's messages built from the router's own registry.
extension NodeV1.MethodDescription {
    public init(_ info: RPCMethodInfo) {
        self.init(name: info.method, requestType: info.request.name, responseType: info.response.name,
                  idempotencyLevel: info.idempotency.rawValue, sideEffectFree: info.isSideEffectFree,
                  serverStreaming: info.kind == .serverStreaming)
    }
}

extension NodeV1.MessageDescription {
    public init(_ schema: MessageSchema) {
        self.init(name: schema.name, fields: schema.fields.map(NodeV1.FieldDescription.init))
    }
}

extension NodeV1.FieldDescription {
    public init(_ field: FieldSchema) {
        let label = switch field.label {
        case .singular: ""
        case .optional: "optional"
        case .repeated: "repeated"
        }
        self.init(name: field.name, jsonName: field.jsonName, number: Int32(field.number), type: field.type.protoName, label: label)
    }
}
