import Synchronization

/// What a handler knows about its call, and where it puts response headers and trailers.
///
/// Guarantees: `deadline` is the client's `Connect-Timeout-Ms` converted to an instant when the
/// request arrived; headers set here are sent with the response (also with error responses).
public final class RPCContext: Sendable {
    public let method: RPCMethodInfo
    /// Request headers (lower-cased names): the call's metadata.
    public let requestHeaders: HTTPHeaders
    public let peer: SocketAddress?
    public let deadline: ContinuousClock.Instant?
    /// Who is calling, as established by authentication ("cluster", a client token's name), if anyone.
    public let principal: String?
    private let outgoing = Mutex<(headers: HTTPHeaders, trailers: HTTPHeaders)>(([:], [:]))

    public init(method: RPCMethodInfo, requestHeaders: HTTPHeaders = [:], peer: SocketAddress? = nil,
                deadline: ContinuousClock.Instant? = nil, principal: String? = nil) {
        self.method = method
        self.requestHeaders = requestHeaders
        self.peer = peer
        self.deadline = deadline
        self.principal = principal
    }

    /// The context of the RPC the current task is handling, if any: peer calls made on its
    /// behalf take their deadline from it.
    @TaskLocal public static var current: RPCContext?

    /// Starts `work` that serves many calls (a peer batch): on the caller's event loop, so the
    /// replies on its sockets need no thread hop, and outside the caller's RPC context, so it
    /// inherits no one caller's deadline.
    public static func detach(_ work: @escaping @Sendable () async -> Void) {
        Task(executorPreference: EventLoop.current) { await $current.withValue(nil) { await work() } }
    }

    /// Time left before the deadline, or nil when the call has none.
    public var remaining: Duration? {
        deadline.map { $0 - ContinuousClock.now }
    }

    public func setResponseHeader(_ name: String, _ value: String) {
        outgoing.withLock { $0.headers.set(name, value) }
    }

    /// A trailer; unary Connect sends it as a `trailer-<name>` header.
    public func setTrailer(_ name: String, _ value: String) {
        outgoing.withLock { $0.trailers.set(name, value) }
    }

    public var responseHeaders: HTTPHeaders { outgoing.withLock { $0.headers } }
    public var responseTrailers: HTTPHeaders { outgoing.withLock { $0.trailers } }
}
