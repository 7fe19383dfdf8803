extension ConnectResponder {
    /// Starts a server-streaming call: a 200 response whose chunked body carries one enveloped
    /// message per element and ends with the end-of-stream message (error and trailers).
    /// The producer is cancelled when the client disconnects or the deadline passes.
    func streamResponse(_ handler: @escaping RPCRouter.StreamHandler, body: [UInt8], codec: ConnectCall.Codec,
                        context: RPCContext, timeout: Duration?, peer: SocketAddress? = nil) async throws -> HTTPResponse {
        let (chunks, sink) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let responder = self
        let metrics = self.metrics
        let path = context.method.path
        let mapError: @Sendable (any Error) -> ConnectError = { [self] error in self.mapError(error, method: path) }
        // On the connection's loop (an unstructured task does not inherit that preference).
        let producer = Task(executorPreference: EventLoop.current) {
            let started = ContinuousClock.now
            var failure: ConnectError?
            do {
                try await Self.withDeadline(timeout) {
                    let messages = try await RPCContext.$current.withValue(context) { try await handler(body, codec, context) }
                    for try await message in messages { sink.yield(ConnectEnvelope.frame(message)) }
                }
            } catch {
                failure = mapError(error)
            }
            sink.yield(ConnectEnvelope.endStream(error: failure, trailers: context.responseTrailers))
            sink.finish()
            metrics.recordRPC(method: path, code: failure?.code.wireName ?? "ok", seconds: (ContinuousClock.now - started).secondsValue)
            responder.accessLog(path, code: failure?.code.wireName ?? "ok", started: started, peer: peer)
        }
        sink.onTermination = { _ in producer.cancel() }
        var headers = context.responseHeaders
        // The end-of-stream message is JSON with either codec (the Connect protocol says so).
        headers.set("content-type", codec.streamContentType)
        return HTTPResponse(status: .ok, headers: headers, stream: chunks)
    }
}
