import RPC
import Testing
@testable import NodeBench
import ReplicaMath

struct KeyChooserTests {
    @Test func zipfianIsSkewedAndUniformIsNot() {
        var random = SeededGenerator(seed: 9)
        for distribution in [KeyChooser.Distribution.uniform, .zipfian] {
            let chooser = KeyChooser(count: 1000, distribution: distribution)
            var counts = [Int](repeating: 0, count: 1000)
            for _ in 0..<100_000 {
                let index = chooser.next(using: &random)
                #expect((0..<1000).contains(index))
                counts[index] += 1
            }
            let top10 = counts.sorted(by: >).prefix(10).reduce(0, +)
            if distribution == .zipfian {
                #expect(top10 > 25_000, "zipfian top 10 keys got \(top10)")
            } else {
                #expect(top10 < 2_000, "uniform top 10 keys got \(top10)")
            }
        }
    }
}

/// The open loop never issues more than the asked rate, and measures from when each operation
/// was due (so an operation that waited for a free worker counts its wait).
struct OpenLoopTests {
    @Test func neverExceedsTheRateAndCountsWaiting() async {
        var generator = LoadGenerator(concurrency: 2, warmup: .zero, duration: .seconds(1), progress: nil)
        generator.rate = 200
        // Each operation takes 50 ms and only 2 run at once: at most 40/s get done, so most wait.
        let result = await generator.run { _, _ in try await Task.sleep(for: .milliseconds(50)) }
        #expect(result.histogram.total > 0)
        #expect(result.histogram.total <= 210, "\(result.histogram.total) operations at 200/s for 1 s")
        #expect(result.histogram.maximum > 50_000_000, "waiting for a worker was not counted")
    }
}
