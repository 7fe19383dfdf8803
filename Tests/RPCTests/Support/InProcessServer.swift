@testable import RPC

/// A real HTTP server on 127.0.0.1 port 0 inside the test process, serving `TestRouter`.
final class InProcessServer: Sendable {
    let server: HTTPServer
    let task: Task<Void, any Error>

    init(port: UInt16 = 0) throws {
        server = try HTTPServer(configuration: .init(address: try SocketAddress(host: "127.0.0.1", port: port)),
                                responder: TestRouter.responder())
        let server = self.server
        task = Task { try await server.run() }
    }

    var address: SocketAddress { server.localAddress }

    func stop() async {
        server.beginGracefulShutdown()
        _ = await task.result
    }
}
