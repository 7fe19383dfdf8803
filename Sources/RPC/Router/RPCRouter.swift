/// A service: a set of methods registered on a router.
public protocol RPCService: Sendable {
    func register(on router: inout RPCRouter)
}

/// Maps Connect paths to typed handlers and can describe every method it holds.
///
/// Guarantees: one handler per path (registering a path twice is a programming error);
/// `methods` lists services and methods in registration order.
public struct RPCRouter: Sendable {
    /// A unary handler over encoded bytes (request and response in the codec given).
    public typealias UnaryHandler = @Sendable ([UInt8], WireCodec, RPCContext) async throws -> [UInt8]
    /// A server-streaming handler producing encoded messages (in the codec given).
    public typealias StreamHandler = @Sendable ([UInt8], WireCodec, RPCContext) async throws -> AsyncThrowingStream<[UInt8], any Error>

    struct Route: Sendable {
        let info: RPCMethodInfo
        let unary: UnaryHandler?
        let stream: StreamHandler?
    }

    private(set) var routes: [String: Route] = [:]
    public private(set) var methods: [RPCMethodInfo] = []

    public init() {}

    /// Registers a unary method.
    public mutating func register<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        handler: @escaping @Sendable (Request, RPCContext) async throws -> Response
    ) {
        precondition(method.kind == .unary, "\(method.path) is a streaming method")
        add(Route(info: method.info, unary: { bytes, codec, context in
            let request = try Request.decode(bytes, codec: codec)
            let response = try await handler(request, context)
            return try response.encode(codec: codec)
        }, stream: nil))
    }

    /// Registers a server-streaming method: the handler returns the stream of responses.
    public mutating func register<Request, Response>(
        streaming method: RPCMethod<Request, Response>,
        handler: @escaping @Sendable (Request, RPCContext) async throws -> AsyncThrowingStream<Response, any Error>
    ) {
        precondition(method.kind == .serverStreaming, "\(method.path) is not a streaming method")
        add(Route(info: method.info, unary: nil, stream: { bytes, codec, context in
            let request = try Request.decode(bytes, codec: codec)
            return .mapping(try await handler(request, context)) { try $0.encode(codec: codec) }
        }))
    }

    public mutating func register(_ service: any RPCService) {
        service.register(on: &self)
    }

    private mutating func add(_ route: Route) {
        precondition(routes[route.info.path] == nil, "\(route.info.path) registered twice")
        routes[route.info.path] = route
        methods.append(route.info)
    }

    func route(for path: Substring) -> Route? {
        routes[String(path)]
    }

    /// Service names in registration order.
    public var serviceNames: [String] {
        var seen: Set<String> = []
        return methods.map(\.service).filter { seen.insert($0).inserted }
    }

    /// Every message schema reachable from the registered methods, by name.
    public var messageSchemas: [String: MessageSchema] {
        var found: [String: MessageSchema] = [:]
        func visit(_ schema: MessageSchema) {
            guard found[schema.name] == nil else { return }
            found[schema.name] = schema
            for field in schema.fields { visitType(field.type) }
        }
        func visitType(_ type: FieldType) {
            switch type {
            case .message(let make): visit(make())
            case .map(_, let value): visitType(value)
            default: break
            }
        }
        for method in methods {
            visit(method.request)
            visit(method.response)
        }
        return found
    }
}
