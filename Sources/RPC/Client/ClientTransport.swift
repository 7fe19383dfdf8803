/// Options for one call.
public struct CallOptions: Sendable {
    /// Sent as `Connect-Timeout-Ms`; the call fails with `deadline_exceeded` when it passes.
    public var timeout: Duration?
    /// Extra request headers (metadata).
    public var headers: HTTPHeaders
    /// Whether the transport may resend the request when a reused connection turns out broken
    /// (set for idempotent and side-effect-free methods).
    public var retryable: Bool
    /// Whether the server is told the timeout (`Connect-Timeout-Ms`, so it can cancel the work).
    /// Off for calls whose timeout is only the caller's patience, such as batched peer calls that
    /// serve many callers: the server then skips its deadline machinery.
    public var sendTimeoutHeader: Bool
    /// The encoding of the request and response bodies (`RPCClient` sets its own; the server
    /// answers in the request's codec).
    public var codec: WireCodec

    public init(timeout: Duration? = nil, headers: HTTPHeaders = [:], retryable: Bool = false, sendTimeoutHeader: Bool = true,
                codec: WireCodec = .json) {
        self.codec = codec
        self.timeout = timeout
        self.headers = headers
        self.retryable = retryable
        self.sendTimeoutHeader = sendTimeoutHeader
    }
}

/// The raw result of a successful unary call.
public struct UnaryResponse: Sendable {
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(headers: HTTPHeaders, body: [UInt8]) {
        self.headers = headers
        self.body = body
    }
}

/// Moves Connect calls to one server: the "message bus" every client and peer call goes through.
///
/// Implementations speak the Connect protocol (JSON codec) and report every failure as a
/// `ConnectError`: transport failures are `unavailable`, a passed timeout `deadline_exceeded`.
public protocol ClientTransport: Sendable {
    /// A unary call; `body` is the request message as JSON.
    func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse

    /// A server-streaming call; yields each response message as JSON.
    func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error>
}
