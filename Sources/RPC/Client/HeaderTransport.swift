/// Wraps a transport and sends fixed headers with every call (a client token, the cluster token).
public struct HeaderTransport: ClientTransport {
    public let inner: any ClientTransport
    public let headers: HTTPHeaders

    public init(_ inner: any ClientTransport, headers: HTTPHeaders) {
        self.inner = inner
        self.headers = headers
    }

    public func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        try await inner.unary(path: path, body: body, options: with(options))
    }

    public func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        inner.serverStream(path: path, body: body, options: with(options))
    }

    private func with(_ options: CallOptions) -> CallOptions {
        var options = options
        for (name, value) in headers { options.headers.set(name, value) }
        return options
    }
}
