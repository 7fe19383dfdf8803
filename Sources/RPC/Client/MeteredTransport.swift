/// Wraps a peer's transport and records every unary call's latency and outcome in the node's
/// metrics (`replnode_peer_calls_total`, `replnode_peer_call_duration_seconds`).
///
/// Guarantees: the call itself is untouched (same result, same error); each finished unary call
/// is recorded exactly once, under the peer's id. Streams pass through unrecorded.
public struct MeteredTransport: ClientTransport {
    public let inner: any ClientTransport
    public let peer: String
    public let metrics: MetricsRegistry

    public init(_ inner: any ClientTransport, peer: String, metrics: MetricsRegistry) {
        self.inner = inner
        self.peer = peer
        self.metrics = metrics
    }

    public func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        let started = ContinuousClock.now
        do {
            let response = try await inner.unary(path: path, body: body, options: options)
            metrics.recordPeerCall(peer: peer, method: path, code: "ok", seconds: (ContinuousClock.now - started).secondsValue)
            return response
        } catch {
            metrics.recordPeerCall(peer: peer, method: path, code: error.code.wireName, seconds: (ContinuousClock.now - started).secondsValue)
            throw error
        }
    }

    public func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        inner.serverStream(path: path, body: body, options: options)
    }
}
