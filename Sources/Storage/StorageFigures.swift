import Synchronization

/// What an operator watches on a write-ahead log: how long each `fdatasync` of a commit takes
/// and how many bytes were written, readable from any thread for `/metrics`.
///
/// Guarantees: every timed sync lands in exactly one bucket and in `count` and `sum`; the text
/// is a valid Prometheus histogram (cumulative buckets ending in `+Inf` equal to the count).
public final class StorageFigures: Sendable {
    /// Upper bounds of the sync latency buckets, in seconds.
    public static let buckets: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    struct Histogram {
        var counts = [UInt64](repeating: 0, count: StorageFigures.buckets.count)
        var count: UInt64 = 0
        var sum: Double = 0
    }

    private let syncs = Mutex(Histogram())
    private let bytes = Atomic<UInt64>(0)

    public init() {}

    func recordSync(seconds: Double) {
        let bucket = Self.buckets.firstIndex { seconds <= $0 }
        syncs.withLock { histogram in
            if let bucket { histogram.counts[bucket] += 1 }
            histogram.count += 1
            histogram.sum += seconds
        }
    }

    func recordWrite(bytes count: Int) {
        bytes.add(UInt64(count), ordering: .relaxed)
    }

    /// The figures in Prometheus text format, names starting with `prefix`.
    public func render(prefix: String) -> String {
        let histogram = syncs.withLock { $0 }
        let name = prefix + "wal_sync_duration_seconds"
        var out = "# HELP \(name) Time each fdatasync of a write-ahead log commit took.\n# TYPE \(name) histogram\n"
        var cumulative: UInt64 = 0
        for (bound, count) in zip(Self.buckets, histogram.counts) {
            cumulative += count
            out += "\(name)_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "\(name)_bucket{le=\"+Inf\"} \(histogram.count)\n\(name)_sum \(histogram.sum)\n\(name)_count \(histogram.count)\n"
        let written = prefix + "wal_written_bytes_total"
        out += "# HELP \(written) Bytes of records written to the write-ahead log.\n# TYPE \(written) counter\n"
        out += "\(written) \(bytes.load(ordering: .relaxed))\n"
        return out
    }
}
