import Synchronization
import Testing
@testable import RPC

@Suite(.timeLimit(.minutes(1)))
struct PooledSocketTransportTests {
    @Test func callsSucceedAndReuseConnections() async throws {
        let server = try InProcessServer()
        let client = RPCClient(transport: PooledSocketTransport(address: server.address, maxConnections: 4))
        for index in 0..<50 {
            let reply = try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "m\(index)"))
            #expect(reply.message == "m\(index)")
        }
        await server.stop()
    }

    /// A caller on an event loop gets (and then reuses) a connection watched by that same loop,
    /// so replies resume it without a thread hop.
    @Test func callersOnALoopUseConnectionsOnThatLoop() async throws {
        let server = try InProcessServer()
        let transport = PooledSocketTransport(address: server.address, maxConnections: 8)
        let client = RPCClient(transport: transport)
        for loop in EventLoop.group {
            for index in 0..<5 {
                let reply = try await Task(executorPreference: loop) {
                    try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "m\(index)"))
                }.value
                #expect(reply.message == "m\(index)")
            }
        }
        let loops = transport.pool.withLock { pool in pool.idle.map { ObjectIdentifier($0.loop) } }
        // One connection per loop, each on its own loop.
        #expect(loops.count == EventLoop.group.count)
        #expect(Set(loops) == Set(EventLoop.group.map { ObjectIdentifier($0) }))
        await server.stop()
    }

    @Test func manyConcurrentCallsAreBoundedAndAllAnswered() async throws {
        let server = try InProcessServer()
        let transport = PooledSocketTransport(address: server.address, maxConnections: 3)
        let client = RPCClient(transport: transport)
        let replies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<64 {
                group.addTask { try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "\(index)", delayMs: 2)).message }
            }
            var all: [String] = []
            for try await reply in group { all.append(reply) }
            return all
        }
        #expect(Set(replies) == Set((0..<64).map(String.init)))
        #expect(server.server.connections.count <= 3)
        await server.stop()
    }

    @Test func errorsKeepTheirCodesAndTimeoutsAreDeadlineExceeded() async throws {
        let server = try InProcessServer()
        let client = RPCClient(transport: PooledSocketTransport(address: server.address))
        do {
            _ = try await client.call(TestRouter.fail, NodeV1.EchoMessage(message: "x"))
            Issue.record("expected failed_precondition")
        } catch {
            #expect(error.code == .failedPrecondition)
            #expect(error.message == "stale: x")
            #expect(error.metadata["etag"] == "\"v7\"")
        }
        do {
            _ = try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "slow", delayMs: 5000), options: CallOptions(timeout: .milliseconds(100)))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        // The connection used by the timed-out call is not reused in a broken state.
        #expect(try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "after")).message == "after")
        await server.stop()
    }

    /// Kill the server mid-stream of calls, restart it on the same port: calls recover.
    @Test func recoversAfterTheServerRestarts() async throws {
        let first = try InProcessServer()
        let port = first.address.port
        let client = RPCClient(transport: PooledSocketTransport(address: first.address, maxConnections: 2))
        #expect(try await client.call(NodeV1.Health.check, NodeV1.CheckRequest()).status == .serving)
        await first.stop()
        do {
            _ = try await client.call(TestRouter.fail, NodeV1.EchoMessage(message: "down"))
            Issue.record("expected unavailable")
        } catch {
            #expect(error.code == .unavailable)
        }
        let second = try InProcessServer(port: port)
        #expect(try await client.call(NodeV1.Health.check, NodeV1.CheckRequest()).status == .serving)
        #expect(try await client.call(NodeV1.Diagnostics.echo, NodeV1.EchoMessage(message: "back")).message == "back")
        await second.stop()
    }

    @Test func serverStreamsArriveInOrder() async throws {
        let server = try InProcessServer()
        let client = RPCClient(transport: PooledSocketTransport(address: server.address))
        var got: [String] = []
        for try await message in client.stream(NodeV1.Diagnostics.ticks, NodeV1.TicksRequest(message: "s", count: 5, intervalMs: 1)) {
            got.append(message.message)
        }
        #expect(got == ["s0", "s1", "s2", "s3", "s4"])
        do {
            for try await _ in client.stream(NodeV1.Diagnostics.ticks, NodeV1.TicksRequest(count: 5000)) {}
            Issue.record("expected invalid_argument")
        } catch let error as ConnectError {
            #expect(error.code == .invalidArgument)
        }
        await server.stop()
    }
}
