import Synchronization

/// Counters and histograms for `GET /metrics`, in Prometheus text format.
///
/// Guarantees: safe to update from any task; `render()` is a consistent snapshot of each family.
/// Our metric names start with `replnode_` (`node_` would collide with node_exporter's); the
/// standard `process_*` metrics are included, and a `replnode_build_info` gauge once
/// `setBuildInfo` is called.
public final class MetricsRegistry: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    public static let latencyBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    struct Histogram {
        var counts = [UInt64](repeating: 0, count: MetricsRegistry.latencyBuckets.count)
        var total: UInt64 = 0
        var sum: Double = 0

        mutating func record(_ seconds: Double, bucket: Int?) {
            if let bucket { counts[bucket] += 1 }
            total += 1
            sum += seconds
        }
    }

    struct State {
        var requests: [String: [String: UInt64]] = [:]
        var latency: [String: Histogram] = [:]
        var openConnections = 0
        var acceptedConnections: UInt64 = 0
        var bytesIn: UInt64 = 0
        var bytesOut: UInt64 = 0
        var httpErrors: [Int: UInt64] = [:]
        var peerCalls: [String: [String: [String: UInt64]]] = [:]
        var peerLatency: [String: Histogram] = [:]
    }

    private let state = Mutex(State())
    private let gauges = Mutex<[(name: String, help: String, type: String, value: @Sendable () -> Double)]>([])

    private let buildInfo = Mutex<[(String, String)]>([])

    public init() { _ = ProcessMetrics.startTime }

    /// Labels of the `replnode_build_info` gauge (always 1), e.g. version and role.
    public func setBuildInfo(_ labels: [(String, String)]) {
        buildInfo.withLock { $0 = labels }
    }

    private let families = Mutex<[@Sendable () -> String]>([])

    /// Adds whole metric families rendered at each scrape (text format, HELP and TYPE included),
    /// e.g. a histogram kept elsewhere.
    public func addFamilies(_ render: @escaping @Sendable () -> String) {
        families.withLock { $0.append(render) }
    }

    /// Adds a value read at each render (`type` "gauge" or "counter"), e.g. storage health.
    public func addGauge(_ name: String, help: String, type: String = "gauge", _ value: @escaping @Sendable () -> Double) {
        gauges.withLock { $0.append((name, help, type, value)) }
    }

    /// Records one finished RPC.
    public func recordRPC(method: String, code: String, seconds: Double) {
        state.withLock { state in
            state.requests[method, default: [:]][code, default: 0] += 1
            // Updated in place: copying the histogram out would copy its buckets on every call.
            let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 })
            state.latency[method, default: Histogram()].record(seconds, bucket: bucket)
        }
    }

    /// Records one finished call to a peer (see `MeteredTransport`).
    public func recordPeerCall(peer: String, method: String, code: String, seconds: Double) {
        state.withLock { state in
            state.peerCalls[peer, default: [:]][method, default: [:]][code, default: 0] += 1
            let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 })
            state.peerLatency[peer, default: Histogram()].record(seconds, bucket: bucket)
        }
    }

    /// Records a request answered at the HTTP level (400, 404, 405, 413, 415, 431…).
    public func recordHTTPStatus(_ status: Int) {
        state.withLock { $0.httpErrors[status, default: 0] += 1 }
    }

    public func connectionOpened() {
        state.withLock {
            $0.openConnections += 1
            $0.acceptedConnections += 1
        }
    }

    public func connectionClosed() { state.withLock { $0.openConnections -= 1 } }
    public func addBytesIn(_ count: Int) { state.withLock { $0.bytesIn += UInt64(count) } }
    public func addBytesOut(_ count: Int) { state.withLock { $0.bytesOut += UInt64(count) } }

    public var openConnections: Int { state.withLock { $0.openConnections } }

    /// The Prometheus text exposition.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        out += "# HELP replnode_rpc_requests_total RPCs handled, by method and Connect code.\n"
        out += "# TYPE replnode_rpc_requests_total counter\n"
        for method in snapshot.requests.keys.sorted() {
            for (code, count) in snapshot.requests[method, default: [:]].sorted(by: { $0.key < $1.key }) {
                out += "replnode_rpc_requests_total{method=\"\(method)\",code=\"\(code)\"} \(count)\n"
            }
        }
        out += "# HELP replnode_rpc_duration_seconds RPC handling latency, by method.\n"
        out += "# TYPE replnode_rpc_duration_seconds histogram\n"
        for method in snapshot.latency.keys.sorted() {
            guard let histogram = snapshot.latency[method] else { continue }
            Self.append("replnode_rpc_duration_seconds", label: "method=\"\(method)\"", histogram, into: &out)
        }
        out += "# HELP replnode_http_responses_total Requests answered at the HTTP level without reaching an RPC, by status.\n"
        out += "# TYPE replnode_http_responses_total counter\n"
        for (status, count) in snapshot.httpErrors.sorted(by: { $0.key < $1.key }) {
            out += "replnode_http_responses_total{status=\"\(status)\"} \(count)\n"
        }
        out += Self.series("replnode_open_connections", "gauge", "Client connections open now.", snapshot.openConnections)
        out += Self.series("replnode_connections_accepted_total", "counter", "Client connections accepted.", snapshot.acceptedConnections)
        out += Self.series("replnode_bytes_received_total", "counter", "Bytes read from client connections.", snapshot.bytesIn)
        out += Self.series("replnode_bytes_sent_total", "counter", "Bytes written to client connections.", snapshot.bytesOut)
        if !snapshot.peerCalls.isEmpty {
            out += "# HELP replnode_peer_calls_total Calls this node made to each peer, by method and Connect code.\n"
            out += "# TYPE replnode_peer_calls_total counter\n"
            for (peer, methods) in snapshot.peerCalls.sorted(by: { $0.key < $1.key }) {
                for (method, codes) in methods.sorted(by: { $0.key < $1.key }) {
                    for (code, count) in codes.sorted(by: { $0.key < $1.key }) {
                        out += "replnode_peer_calls_total{peer=\"\(Self.escapeLabel(peer))\",method=\"\(method)\",code=\"\(code)\"} \(count)\n"
                    }
                }
            }
            out += "# HELP replnode_peer_call_duration_seconds Latency of calls to each peer.\n"
            out += "# TYPE replnode_peer_call_duration_seconds histogram\n"
            for (peer, histogram) in snapshot.peerLatency.sorted(by: { $0.key < $1.key }) {
                Self.append("replnode_peer_call_duration_seconds", label: "peer=\"\(Self.escapeLabel(peer))\"", histogram, into: &out)
            }
        }
        let info = buildInfo.withLock { $0 }
        if !info.isEmpty {
            let labels = info.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",")
            out += "# HELP replnode_build_info The running build (always 1).\n# TYPE replnode_build_info gauge\nreplnode_build_info{\(labels)} 1\n"
        }
        out += ProcessMetrics.render()
        for family in families.withLock({ $0 }) { out += family() }
        for gauge in gauges.withLock({ $0 }) { out += Self.series(gauge.name, gauge.type, gauge.help, gauge.value()) }
        return out
    }

    /// One unlabelled series with its HELP and TYPE lines.
    static func series(_ name: String, _ type: String, _ help: String, _ value: some CustomStringConvertible) -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
    }

    /// One labelled series of a latency histogram: cumulative buckets, `+Inf`, sum and count.
    static func append(_ name: String, label: String, _ histogram: Histogram, into out: inout String) {
        var cumulative: UInt64 = 0
        for (bound, count) in zip(latencyBuckets, histogram.counts) {
            cumulative += count
            out += "\(name)_bucket{\(label),le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "\(name)_bucket{\(label),le=\"+Inf\"} \(histogram.total)\n"
        out += "\(name)_sum{\(label)} \(histogram.sum)\n"
        out += "\(name)_count{\(label)} \(histogram.total)\n"
    }

    /// A label value with `\`, `"` and newlines escaped, as the text format requires.
    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
