/// Whether calling a method twice has the same effect as once (proto `idempotency_level`).
public enum Idempotency: String, Sendable, Codable {
    /// May change state; never retried automatically, never callable with GET.
    case sideEffects = "IDEMPOTENCY_UNKNOWN"
    /// Changes state, but repeating it is harmless; retried by clients.
    case idempotent = "IDEMPOTENT"
    /// Reads only; retried by clients and callable with GET.
    case noSideEffects = "NO_SIDE_EFFECTS"
}

/// How responses flow.
public enum RPCKind: String, Sendable, Codable {
    case unary
    case serverStreaming
}

/// A typed method: names the service and method and fixes the request and response types.
///
/// The same value is used by servers to register a handler and by clients to call it, so the two
/// cannot disagree on types. `path` is the Connect URL path `/<package>.<Service>/<Method>`.
public struct RPCMethod<Request: ProtoMessage, Response: ProtoMessage>: Sendable {
    public let service: String
    public let method: String
    public let idempotency: Idempotency
    public let kind: RPCKind
    /// `/<package>.<Service>/<Method>`, made once (clients send it on every call).
    public let path: String
    /// The method's comment in its .proto file (empty if none).
    public let comment: String

    public init(_ service: String, _ method: String, idempotency: Idempotency = .sideEffects, kind: RPCKind = .unary, comment: String = "") {
        self.comment = comment
        self.service = service
        self.method = method
        self.idempotency = idempotency
        self.kind = kind
        path = "/\(service)/\(method)"
    }

    public var info: RPCMethodInfo {
        RPCMethodInfo(service: service, method: method, idempotency: idempotency, kind: kind,
                      request: Request.schema, response: Response.schema, comment: comment)
    }
}

/// The untyped description of a registered method, for reflection and OpenAPI.
public struct RPCMethodInfo: Sendable {
    public let service: String
    public let method: String
    public let idempotency: Idempotency
    public let kind: RPCKind
    public let request: MessageSchema
    public let response: MessageSchema
    /// The method's comment in its .proto file (empty if none).
    public var comment: String = ""

    public var path: String { "/\(service)/\(method)" }
    public var isSideEffectFree: Bool { idempotency == .noSideEffects }
    /// Connect allows GET only for side-effect-free unary methods.
    public var allowsGET: Bool { isSideEffectFree && kind == .unary }
}
