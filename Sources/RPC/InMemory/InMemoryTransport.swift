/// A `ClientTransport` over an `InMemoryNetwork`: one caller node talking to one target node.
///
/// A lost message is silence: the call waits for its timeout (`deadline_exceeded`), as over a
/// real network; an unreachable node (crashed or partitioned) fails at once with `unavailable`.
public struct InMemoryTransport: ClientTransport {
    let network: InMemoryNetwork
    public let from: String
    public let to: String

    public func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        let request = makeRequest(path: path, body: body, options: options, streaming: false)
        do {
            return try await ConnectResponder.withDeadline(options.timeout) {
                try await self.deliver(request, path: path)
            }
        } catch let error as ConnectError {
            throw error
        } catch is CancellationError {
            throw ConnectError(.canceled, "the call was canceled")
        } catch {
            throw ConnectError(.unavailable, "\(to): \(error)")
        }
    }

    private func deliver(_ request: HTTPRequest, path: String) async throws -> UnaryResponse {
        let (decision, responder) = network.decide(from: from, to: to, path: path)
        guard decision.outcome != .blocked, let responder else {
            var failure = ConnectError(.unavailable, "\(to) is unreachable from \(from)")
            failure.requestNotSent = true
            throw failure
        }
        if decision.delay > .zero { try await Task.sleep(for: decision.delay) }
        if decision.outcome == .droppedRequest { try await Self.silence() }
        if decision.duplicated {
            _ = await responder.respond(to: request, peer: nil)
        }
        let response = await responder.respond(to: request, peer: nil)
        if decision.outcome == .droppedResponse { try await Self.silence() }
        guard network.isConnected(from, to) else { throw ConnectError(.unavailable, "\(to) became unreachable") }
        guard response.status == .ok else {
            throw ConnectError.fromResponse(status: response.status.code, body: response.bodyBytes, headers: response.headers)
        }
        return UnaryResponse(headers: response.headers, body: response.bodyBytes)
    }

    /// A lost message: nothing comes back until the caller's deadline (or cancellation).
    static func silence() async throws -> Never {
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    public func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        let request = makeRequest(path: path, body: ConnectEnvelope.frame(body), options: options, streaming: true)
        let (decision, responder) = network.decide(from: from, to: to, path: path)
        return AsyncThrowingStream.producing { continuation in
            guard decision.outcome == .delivered, let responder else {
                continuation.finish(throwing: ConnectError(.unavailable, "\(to) is unreachable from \(from)"))
                return
            }
            let response = await responder.respond(to: request, peer: nil)
            guard response.status == .ok, case .stream(let chunks) = response.body else {
                continuation.finish(throwing: ConnectError.fromResponse(status: response.status.code, body: response.bodyBytes))
                return
            }
            var reader = ConnectEnvelope.FrameReader()
            do {
                for await chunk in chunks {
                    reader.append(chunk)
                    if try ConnectEnvelope.drain(&reader, yield: { continuation.yield($0) }) {
                        continuation.finish()
                        return
                    }
                }
                continuation.finish(throwing: ConnectError(.unavailable, "stream from \(to) ended early"))
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    private func makeRequest(path: String, body: [UInt8], options: CallOptions, streaming: Bool) -> HTTPRequest {
        var headers = options.headers
        headers.set("content-type", streaming ? options.codec.streamContentType : options.codec.contentType)
        headers.set("host", to)
        if let timeout = options.timeout, options.sendTimeoutHeader {
            let ms = max(1, timeout.wholeMilliseconds)
            headers.set("connect-timeout-ms", String(ms))
        }
        return HTTPRequest(method: "POST", target: path, headers: headers, body: body)
    }
}
