import Foundation

/// Serves the Connect protocol (unary and server-streaming; JSON and binary protobuf codecs, the
/// response in the request's) for a router, plus plain
/// HTTP routes (`/metrics`, `/openapi.json`, a web page).
///
/// Guarantees: every RPC failure is a Connect error body with one of the 16 codes and its HTTP
/// status; an unexpected handler error becomes `internal` (its detail goes to the log only);
/// a request past its `Connect-Timeout-Ms` is answered `deadline_exceeded` and its handler cancelled.
public struct ConnectResponder: HTTPResponder {
    /// A plain HTTP handler for a non-RPC path.
    public typealias PlainHandler = @Sendable (HTTPRequest) async -> HTTPResponse

    public let router: RPCRouter
    let metrics: MetricsRegistry
    let logger: Logger
    let maxBodyBytes: Int
    let plainRoutes: [String: PlainHandler]
    /// Called before a handler runs: returns the caller's identity, or throws a `ConnectError`
    /// to refuse the call (authentication).
    let admit: @Sendable (RPCMethodInfo, HTTPHeaders) throws -> String?
    /// Responses at least this large are gzip-compressed when the client accepts gzip.
    public var compressionThreshold = 1024

    public init(router: RPCRouter, metrics: MetricsRegistry, logger: Logger = .disabled,
                maxBodyBytes: Int = 4 * 1024 * 1024, plainRoutes: [String: PlainHandler] = [:],
                admit: @escaping @Sendable (RPCMethodInfo, HTTPHeaders) throws -> String? = { _, _ in nil }) {
        self.router = router
        self.metrics = metrics
        self.logger = logger
        self.maxBodyBytes = maxBodyBytes
        self.plainRoutes = plainRoutes
        self.admit = admit
    }

    public func respond(to request: HTTPRequest, peer: SocketAddress?) async -> HTTPResponse {
        guard let route = router.route(for: request.path) else {
            if let plain = plainRoutes[String(request.path)] {
                return await plain(request)
            }
            metrics.recordHTTPStatus(404)
            return errorResponse(ConnectError(.unimplemented, "no method or page at \(request.path)"),
                                 status: .notFound, request: request)
        }
        let started = ContinuousClock.now
        let response: HTTPResponse
        let code: String
        var callContext: RPCContext?
        do {
            let call = try ConnectCall.parse(request, route: route.info, maxBodyBytes: maxBodyBytes)
            let principal = try admit(route.info, request.headers)
            let context = RPCContext(method: route.info, requestHeaders: request.headers, peer: peer,
                                     deadline: call.timeout.map { started + $0 }, principal: principal)
            callContext = context
            if let unary = route.unary {
                let body = try await Self.withDeadline(call.timeout) {
                    try await RPCContext.$current.withValue(context) { try await unary(call.body, call.codec, context) }
                }
                response = successResponse(body, codec: call.codec, context: context, request: request)
            } else if let stream = route.stream {
                // The stream records its own metrics when it ends.
                return try await streamResponse(stream, body: call.body, codec: call.codec, context: context, timeout: call.timeout, peer: peer)
            } else {
                throw ConnectError(.unimplemented, "\(route.info.path) has no handler")
            }
            code = "ok"
        } catch let failure as ConnectCall.HTTPFailure {
            metrics.recordHTTPStatus(failure.response.status.code)
            accessLog(route.info.path, code: "http_\(failure.response.status.code)", started: started, peer: peer)
            return failure.response
        } catch {
            var connectError = mapError(error, method: route.info.path)
            if let callContext {
                for (name, value) in callContext.responseHeaders where !connectError.metadata.contains(name) {
                    connectError.metadata.add(name, value)
                }
            }
            response = errorResponse(connectError, status: connectError.code.httpStatus, request: request)
            code = connectError.code.wireName
        }
        metrics.recordRPC(method: route.info.path, code: code, seconds: (ContinuousClock.now - started).secondsValue)
        accessLog(route.info.path, code: code, started: started, peer: peer)
        return response
    }

    /// One line per call at `--log-level debug`: method, outcome, duration and the caller.
    func accessLog(_ method: String, code: String, started: ContinuousClock.Instant, peer: SocketAddress?) {
        guard logger.isEnabled(.debug) else { return }
        let milliseconds = (ContinuousClock.now - started).secondsValue * 1000
        logger.debug("rpc", [("method", method), ("code", code), ("duration_ms", String(format: "%.3f", milliseconds)),
                             ("peer", peer?.description ?? "-")])
    }

    /// Runs `body`, cancelling it and failing with `deadline_exceeded` once `timeout` passes.
    static func withDeadline<T: Sendable>(_ timeout: Duration?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let timeout else { return try await body() }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            let deadline = ContinuousClock.now + timeout
            group.addTask {
                // On the connection's loop (child tasks keep its preference): its own timer.
                if let loop = EventLoop.current { try await loop.sleep(until: deadline) } else { try await Task.sleep(until: deadline) }
                throw ConnectError(.deadlineExceeded, "deadline of \(timeout) exceeded")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    func mapError(_ error: any Error, method: String) -> ConnectError {
        switch error {
        case let error as ConnectError:
            return error
        case is CancellationError:
            return ConnectError(.canceled, "the call was canceled")
        default:
            logger.error("handler failed with an unexpected error", [("method", method), ("error", "\(error)")])
            return ConnectError(.internal, "internal error")
        }
    }

    private func successResponse(_ body: [UInt8], codec: ConnectCall.Codec, context: RPCContext, request: HTTPRequest) -> HTTPResponse {
        var headers = context.responseHeaders
        for (name, value) in context.responseTrailers { headers.add("trailer-" + name, value) }
        headers.set("content-type", codec.contentType)
        var body = body
        if body.count >= compressionThreshold, request.headers.hasToken("gzip", in: "accept-encoding") {
            body = GzipCodec.deflate(body)
            headers.set("content-encoding", "gzip")
        }
        return HTTPResponse(status: .ok, headers: headers, body: body)
    }

    func errorResponse(_ error: ConnectError, status: HTTPStatus, request: HTTPRequest) -> HTTPResponse {
        var headers = error.metadata
        headers.set("content-type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: error.jsonBody())
    }
}
