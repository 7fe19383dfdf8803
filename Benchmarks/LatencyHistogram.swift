/// A latency histogram with bounded relative error (HDR-style log-linear buckets).
///
/// Values are nanoseconds. Each power of two is split into 256 linear sub-buckets, so any
/// recorded value is reported within 1/256 (< 0.4 %) of its true value. Mergeable.
struct LatencyHistogram: Sendable {
    static let subBucketBits = 8
    static let subBuckets = 1 << subBucketBits

    private(set) var counts: [UInt64]
    private(set) var total: UInt64 = 0
    private(set) var sum: Double = 0
    private(set) var minimum: UInt64 = .max
    private(set) var maximum: UInt64 = 0

    init() {
        counts = [UInt64](repeating: 0, count: (64 - Self.subBucketBits + 1) * Self.subBuckets)
    }

    static func index(of value: UInt64) -> Int {
        if value < UInt64(subBuckets) { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount
        let shift = magnitude - subBucketBits
        let mantissa = Int(value >> UInt64(shift)) - subBuckets
        return (shift + 1) * subBuckets + mantissa
    }

    /// The midpoint value represented by bucket `index`.
    static func value(at index: Int) -> UInt64 {
        if index < subBuckets { return UInt64(index) }
        let shift = index / subBuckets - 1
        let mantissa = UInt64(index % subBuckets + subBuckets)
        let low = mantissa << UInt64(shift)
        return low + (UInt64(1) << UInt64(shift)) / 2
    }

    mutating func record(_ nanoseconds: UInt64) {
        counts[Self.index(of: nanoseconds)] += 1
        total += 1
        sum += Double(nanoseconds)
        minimum = Swift.min(minimum, nanoseconds)
        maximum = Swift.max(maximum, nanoseconds)
    }

    mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        total += other.total
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    /// The value at `percentile` (0…100), in nanoseconds.
    func percentile(_ percentile: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((percentile / 100 * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return Swift.min(Swift.max(Self.value(at: index), minimum), maximum) }
        }
        return maximum
    }

    var mean: Double { total == 0 ? 0 : sum / Double(total) }
}
