import Foundation
import Testing
@testable import RPC

/// Log lines: RFC 3339 timestamps with their zone, no key twice, and the access log at debug.
struct LoggerTests {
    @Test func timestampsAreRFC3339WithAZone() throws {
        let sink = MemoryLogSink()
        Logger(level: .info, sink: sink).info("hello")
        let line = try #require(sink.recorded.first)
        let timestamp = try #require(line.split(separator: " ").first?.dropFirst(3))
        #expect(timestamp.hasSuffix("Z"), "\(line)")
        let parsed = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(String(timestamp))
        #expect(parsed <= Date())
    }

    @Test func noKeyIsRepeatedOnALine() throws {
        let sink = MemoryLogSink()
        Logger(level: .info, sink: sink).with("role", "consensus").info("role changed", [("role", "leader"), ("role", "x"), ("msg", "m")])
        let line = try #require(sink.recorded.first)
        let keys = line.split(separator: " ").compactMap { $0.split(separator: "=").first.map(String.init) }
        #expect(Set(keys).count == keys.count, "\(line)")
        #expect(line.contains("role=consensus role_2=leader role_3=x msg_2=m"), "\(line)")
    }

    @Test func theAccessLogIsWrittenAtDebugOnly() async throws {
        for level in [Logger.Level.debug, .info] {
            let sink = MemoryLogSink()
            var router = RPCRouter()
            router.register(HealthService(role: "r", nodeId: "n", version: "v"))
            let responder = ConnectResponder(router: router, metrics: MetricsRegistry(), logger: Logger(level: level, sink: sink))
            let request = HTTPRequest(method: "POST", target: "/node.v1.Health/Check",
                                      headers: ["host": "x", "content-type": "application/json"], body: Array("{}".utf8))
            _ = await responder.respond(to: request, peer: try SocketAddress(parsing: "127.0.0.1:0"))
            let lines = sink.recorded.filter { $0.contains("msg=rpc") }
            if level == .debug {
                #expect(lines.count == 1)
                let line = try #require(lines.first)
                #expect(line.contains("method=/node.v1.Health/Check code=ok duration_ms="), "\(line)")
                #expect(line.contains("peer=127.0.0.1:0"), "\(line)")
            } else {
                #expect(lines.isEmpty)
            }
        }
    }
}
