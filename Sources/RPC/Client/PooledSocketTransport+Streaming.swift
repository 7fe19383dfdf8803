extension PooledSocketTransport {
    /// A server-streaming call on its own connection (closed when the stream ends or is dropped).
    public func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        let request = Self.serialize(path: path, host: address.description, body: ConnectEnvelope.frame(body),
                                     options: options, streaming: true)
        let address = self.address
        // The task runs on the loop that watches its socket: no thread hop per message.
        let eventLoop = EventLoop.current ?? .next()
        return AsyncThrowingStream.producing(on: eventLoop) { continuation in
            var connection: ClientConnection?
            defer { connection?.close() }
            do {
                var open = try await ClientConnection.open(to: address, loop: eventLoop)
                connection = open
                try await open.send(request)
                var received = false
                var reader = ConnectEnvelope.FrameReader()
                var status = 0
                var errorBody: [UInt8] = []
                loop: while true {
                    switch try await open.nextEvent(received: &received) {
                    case .head(let head):
                        status = head.status
                    case .body(let bytes):
                        if status != 200 { errorBody.append(contentsOf: bytes); continue }
                        reader.append(bytes)
                        if try ConnectEnvelope.drain(&reader, yield: { continuation.yield($0) }) {
                            continuation.finish()
                            return
                        }
                    case .end:
                        break loop
                    }
                }
                if status != 200 { throw ConnectError.fromResponse(status: status, body: errorBody) }
                throw ConnectError(.internal, "stream ended without an end-of-stream message")
            } catch let error as ConnectError {
                continuation.finish(throwing: error)
            } catch is CancellationError {
                continuation.finish(throwing: ConnectError(.canceled, "the stream was canceled"))
            } catch {
                continuation.finish(throwing: ConnectError(.unavailable, "\(address): \(error)"))
            }
        }
    }
}
