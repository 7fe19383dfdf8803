/// A typed client: `try await client.call(Method, request)` over any transport.
///
/// Guarantees: every failure surfaces as a `ConnectError` with its code; requests and responses
/// travel in `codec` (errors are JSON either way, as Connect specifies).
public struct RPCClient: Sendable {
    public let transport: any ClientTransport
    public let codec: WireCodec

    public init(transport: any ClientTransport, codec: WireCodec = .json) {
        self.transport = transport
        self.codec = codec
    }

    public func call<Request, Response>(_ method: RPCMethod<Request, Response>, _ request: Request,
                                        options: CallOptions = CallOptions()) async throws(ConnectError) -> Response {
        try await callWithHeaders(method, request, options: options).message
    }

    /// Like `call`, also returning the response headers.
    public func callWithHeaders<Request, Response>(_ method: RPCMethod<Request, Response>, _ request: Request,
                                                   options: CallOptions = CallOptions()) async throws(ConnectError) -> (message: Response, headers: HTTPHeaders) {
        let body = try request.encode(codec: codec)
        var options = try Self.propagatingDeadline(options)
        options.retryable = options.retryable || method.idempotency != .sideEffects
        options.codec = codec
        let response = try await transport.unary(path: method.path, body: body, options: options)
        do {
            return (try Response.decode(response.body, codec: codec), response.headers)
        } catch {
            throw ConnectError(.internal, "cannot decode \(Response.schema.name) from the server: \(error.message)")
        }
    }

    /// Shortens the timeout to what is left of the deadline of the RPC this task is serving, so
    /// peer calls made on a caller's behalf never outlive the caller's patience.
    static func propagatingDeadline(_ options: CallOptions) throws(ConnectError) -> CallOptions {
        guard let remaining = RPCContext.current?.remaining else { return options }
        guard remaining > .milliseconds(1) else {
            throw ConnectError(.deadlineExceeded, "no time left for a peer call before the caller's deadline")
        }
        var options = options
        options.timeout = min(options.timeout ?? remaining, remaining)
        return options
    }

    /// A server-streaming call: the stream yields typed messages and throws the final `ConnectError`.
    public func stream<Request, Response>(_ method: RPCMethod<Request, Response>, _ request: Request,
                                          options: CallOptions = CallOptions()) -> AsyncThrowingStream<Response, any Error> {
        let body: [UInt8]
        do { body = try request.encode(codec: codec) } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
        var options = options
        options.codec = codec
        let codec = self.codec
        return .mapping(transport.serverStream(path: method.path, body: body, options: options)) { try Response.decode($0, codec: codec) }
    }
}
