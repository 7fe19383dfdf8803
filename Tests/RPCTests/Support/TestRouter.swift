@testable import RPC
import Synchronization

/// A router with the built-in services and a few test methods, and a responder over it.
enum TestRouter {
    static let fail = RPCMethod<NodeV1.EchoMessage, NodeV1.EchoMessage>("test.v1.Test", "Fail")
    static let crash = RPCMethod<NodeV1.EchoMessage, NodeV1.EchoMessage>("test.v1.Test", "Crash")
    static let big = RPCMethod<NodeV1.EchoMessage, NodeV1.EchoMessage>("test.v1.Test", "Big")
    /// Never answers: waits until its task is cancelled, then counts the cancellation under the
    /// request's message in `cancellations`.
    static let hang = RPCMethod<NodeV1.EchoMessage, NodeV1.EchoMessage>("test.v1.Test", "Hang")
    static let cancellations = Mutex<[String: Int]>([:])

    struct Unexpected: Error {}

    static func make() -> RPCRouter {
        var router = RPCRouter()
        router.register(HealthService(role: "test", nodeId: "t1", version: "0"))
        router.register(DiagnosticsService())
        router.register(fail) { request, context in
            context.setResponseHeader("etag", "\"v7\"")
            throw ConnectError(.failedPrecondition, "stale: \(request.message)")
        }
        router.register(crash) { _, _ in throw Unexpected() }
        router.register(big) { _, context in
            context.setTrailer("x-count", "3")
            return NodeV1.EchoMessage(message: String(repeating: "x", count: 5000))
        }
        router.register(hang) { request, _ in
            let never = AsyncStream<Void> { _ in }
            for await _ in never {}
            cancellations.withLock { $0[request.message, default: 0] += 1 }
            throw CancellationError()
        }
        ReflectionService.install(on: &router)
        return router
    }

    static func responder(maxBodyBytes: Int = 4 << 20) -> ConnectResponder {
        ConnectResponder(router: make(), metrics: MetricsRegistry(), maxBodyBytes: maxBodyBytes)
    }

    static func post(_ path: String, _ body: String, headers: HTTPHeaders = ["content-type": "application/json"]) -> HTTPRequest {
        var all = headers
        all.add("host", "test")
        return HTTPRequest(method: "POST", target: path, headers: all, body: Array(body.utf8))
    }
}

extension HTTPResponse {
    var text: String { String(decoding: bodyBytes, as: UTF8.self) }
    var connectCode: String? { ConnectError.fromResponse(status: status.code, body: bodyBytes).code.wireName }
}
