/// Where the server listens and the limits it enforces.
public struct HTTPServerConfiguration: Sendable {
    public var address: SocketAddress
    public var limits: HTTPRequestParser.Limits
    /// A request head must arrive completely within this time after its first byte (slowloris).
    public var headerReadTimeout: Duration
    /// A request body must arrive within this time after its head.
    public var bodyReadTimeout: Duration
    /// An idle keep-alive connection is closed after this time.
    public var idleTimeout: Duration
    /// A response the client does not read is abandoned after this time.
    public var writeTimeout: Duration
    /// Connections beyond this number are answered 503 and closed.
    public var maxConnections: Int
    /// On graceful shutdown, in-flight requests get this long to finish.
    public var drainTimeout: Duration

    public init(
        address: SocketAddress,
        limits: HTTPRequestParser.Limits = .init(),
        headerReadTimeout: Duration = .seconds(10),
        bodyReadTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(120),
        writeTimeout: Duration = .seconds(60),
        maxConnections: Int = 4096,
        drainTimeout: Duration = .seconds(15)
    ) {
        self.address = address
        self.limits = limits
        self.headerReadTimeout = headerReadTimeout
        self.bodyReadTimeout = bodyReadTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
        self.drainTimeout = drainTimeout
    }
}
