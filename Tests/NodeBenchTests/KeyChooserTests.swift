import RPC
import Testing
@testable import NodeBench

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

/// The open loop issues operations at the asked rate even when they are slow.
struct OpenLoopTests {
    @Test func issuesAtTheRequestedRate() async {
        var generator = LoadGenerator(concurrency: 16, warmup: .zero, duration: .seconds(1), progress: nil)
        generator.rate = 400
        let result = await generator.run { _, _ in try await Task.sleep(for: .milliseconds(5)) }
        #expect(result.histogram.total > 250 && result.histogram.total < 550, "\(result.histogram.total) ops")
    }
}
