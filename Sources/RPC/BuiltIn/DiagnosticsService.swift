/// `node.v1.Diagnostics`: an echo with an optional delay and a ticking stream, for checking
/// deadlines, shutdown, streaming and clients against a live node.
///
/// Guarantees: delays honour cancellation (a deadline or disconnect stops them at once); a delay
/// over 60 s is `invalid_argument` (nothing parks a handler longer), a zero or negative one means
/// none; streams are capped at 1000 messages.
public struct DiagnosticsService: NodeV1.Diagnostics.ServiceProtocol {
    /// The longest delay `Echo` and `Ticks` accept, in milliseconds.
    public static let maxDelayMilliseconds: Int64 = 60_000

    public init() {}

    public func echo(_ request: NodeV1.EchoMessage, context: RPCContext) async throws -> NodeV1.EchoMessage {
        guard request.delayMs <= Self.maxDelayMilliseconds else {
            throw ConnectError(.invalidArgument, "field \"delayMs\" must be at most \(Self.maxDelayMilliseconds) (60 s), got \(request.delayMs)")
        }
        if request.delayMs > 0 {
            try await Task.sleep(for: .milliseconds(request.delayMs))
        }
        for (name, value) in context.requestHeaders where name.hasPrefix("x-echo-") {
            context.setResponseHeader(name, value)
        }
        return NodeV1.EchoMessage(message: request.message)
    }

    public func ticks(_ request: NodeV1.TicksRequest, context: RPCContext) async throws -> AsyncThrowingStream<NodeV1.EchoMessage, any Error> {
        guard (0...1000).contains(request.count) else {
            throw ConnectError(.invalidArgument, "field \"count\" must be between 0 and 1000")
        }
        guard request.intervalMs <= Self.maxDelayMilliseconds else {
            throw ConnectError(.invalidArgument, "field \"intervalMs\" must be at most \(Self.maxDelayMilliseconds) (60 s), got \(request.intervalMs)")
        }
        return .producing { continuation in
            for index in 0..<request.count {
                if index > 0, request.intervalMs > 0 {
                    do { try await Task.sleep(for: .milliseconds(request.intervalMs)) } catch { return }
                }
                continuation.yield(NodeV1.EchoMessage(message: "\(request.message)\(index)"))
            }
        }
    }
}
