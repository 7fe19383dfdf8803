import Testing
@testable import NodeBench
import ReplicaMath

struct LatencyHistogramTests {
    /// Percentiles must be within the histogram's relative error of the exact ones.
    @Test(arguments: [1, 2, 3])
    func percentilesMatchExactValuesWithinBoundedError(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var values: [UInt64] = []
        var histogram = LatencyHistogram()
        for _ in 0..<50_000 {
            // Log-uniform between 1 µs and 1 s, like real latencies.
            let exponent = Double(generator.next() % 1_000_000) / 1_000_000 * 6 + 3
            let value = UInt64(pow10(exponent))
            values.append(value)
            histogram.record(value)
        }
        values.sort()
        for percentile in [50.0, 90, 99, 99.9, 100] {
            let rank = max(1, Int((percentile / 100 * Double(values.count)).rounded(.up)))
            let exact = Double(values[rank - 1])
            let measured = Double(histogram.percentile(percentile))
            #expect(abs(measured - exact) / exact <= 1.0 / 256 + 1e-9, "p\(percentile): \(measured) vs \(exact)")
        }
        #expect(histogram.maximum == values.last)
        #expect(histogram.total == 50_000)
    }

    @Test func smallValuesAreExactAndMergeAdds() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        for value in 0..<100 { a.record(UInt64(value)) }
        for value in 100..<200 { b.record(UInt64(value)) }
        a.merge(b)
        #expect(a.total == 200)
        #expect(a.percentile(50) == 99)
        #expect(a.percentile(100) == 199)
    }

    func pow10(_ x: Double) -> Double {
        var result = 1.0
        var remaining = x
        while remaining >= 1 { result *= 10; remaining -= 1 }
        return result * (1 + remaining * 2.302585 + remaining * remaining * 2.650949 + remaining * remaining * remaining * 2.034678)
    }
}
