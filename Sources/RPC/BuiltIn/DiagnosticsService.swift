/// `node.v1.Diagnostics`: an echo with an optional delay and a ticking stream, for checking
/// deadlines, shutdown, streaming and clients against a live node.
///
/// Guarantees: delays honour cancellation (a deadline or disconnect stops them at once); a delay
/// over 60 s is `invalid_argument` (nothing parks a handler longer), a zero or negative one means
/// none; streams are capped at 1000 messages.
public struct DiagnosticsService: RPCService {
    public static let echo = RPCMethod<EchoMessage, EchoMessage>("node.v1.Diagnostics", "Echo", idempotency: .noSideEffects)
    public static let ticks = RPCMethod<TicksRequest, EchoMessage>("node.v1.Diagnostics", "Ticks",
                                                                   idempotency: .noSideEffects, kind: .serverStreaming)

    /// The longest delay `Echo` and `Ticks` accept, in milliseconds.
    public static let maxDelayMilliseconds: Int64 = 60_000

    public init() {}

    public func register(on router: inout RPCRouter) {
        router.register(Self.echo) { request, context in
            guard request.delayMs <= Self.maxDelayMilliseconds else {
                throw ConnectError(.invalidArgument, "field \"delayMs\" must be at most \(Self.maxDelayMilliseconds) (60 s), got \(request.delayMs)")
            }
            if request.delayMs > 0 {
                try await Task.sleep(for: .milliseconds(request.delayMs))
            }
            for (name, value) in context.requestHeaders where name.hasPrefix("x-echo-") {
                context.setResponseHeader(name, value)
            }
            return EchoMessage(message: request.message)
        }
        router.register(streaming: Self.ticks) { request, _ in
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
                    continuation.yield(EchoMessage(message: "\(request.message)\(index)"))
                }
            }
        }
    }
}

/// `node.v1.EchoMessage`.
public struct EchoMessage: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.EchoMessage", [
        FieldSchema("message", 1, .string),
        FieldSchema("delay_ms", 2, .int64),
    ])

    public var message: String
    public var delayMs: Int64

    public init(message: String, delayMs: Int64 = 0) {
        self.message = message
        self.delayMs = delayMs
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        message = try r.string("message") ?? ""
        delayMs = try r.int64("delayMs") ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("message", message)
        try w.write("delayMs", delayMs)
    }
}

/// `node.v1.TicksRequest`.
public struct TicksRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("node.v1.TicksRequest", [
        FieldSchema("message", 1, .string),
        FieldSchema("count", 2, .int32),
        FieldSchema("interval_ms", 3, .int64),
    ])

    public var message: String
    public var count: Int32
    public var intervalMs: Int64

    public init(message: String = "", count: Int32, intervalMs: Int64 = 0) {
        self.message = message
        self.count = count
        self.intervalMs = intervalMs
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        message = try r.string("message") ?? ""
        count = try r.int32("count") ?? 0
        intervalMs = try r.int64("intervalMs") ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("message", message)
        try w.write("count", count)
        try w.write("intervalMs", intervalMs)
    }
}
