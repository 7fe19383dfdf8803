public import RPC

/// Wraps a transport and sends `Authorization: Bearer <token>` with every call (peer traffic).
public struct AuthorizingTransport: ClientTransport {
    public let inner: any ClientTransport
    let header: String

    public init(_ inner: any ClientTransport, token: String) {
        self.inner = inner
        header = "Bearer \(token)"
    }

    public func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        var options = options
        options.headers.set("authorization", header)
        return try await inner.unary(path: path, body: body, options: options)
    }

    public func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        var options = options
        options.headers.set("authorization", header)
        return inner.serverStream(path: path, body: body, options: options)
    }
}
