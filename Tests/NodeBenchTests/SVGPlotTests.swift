import Testing
@testable import NodeBench

struct SVGPlotTests {
    func report(_ name: String, _ concurrency: Int, latencies: [UInt64]) -> RunReport {
        var result = LoadGenerator.Result()
        for value in latencies { result.histogram.record(value) }
        result.elapsed = .seconds(1)
        return RunReport(name: name, concurrency: concurrency, result: result)
    }

    @Test func plotsOneLinePerRunAndASweepPanel() {
        let single = SVGPlot.render([report("a", 1, latencies: [500_000, 900_000, 2_000_000])], title: "t <1>")
        #expect(single.hasPrefix("<svg"))
        #expect(single.components(separatedBy: "<polyline").count == 2)
        #expect(!single.contains("concurrency</text>"))
        #expect(single.contains("t &lt;1>"))
        let sweep = SVGPlot.render([report("a", 1, latencies: [1_000_000]), report("a", 8, latencies: [3_000_000])], title: "s")
        #expect(sweep.contains("concurrency</text>"))
        #expect(sweep.components(separatedBy: "<polyline").count == 4)
    }

    /// p50 and p99 are marked, the legend carries the sample count, the subtitle the configuration,
    /// and the throughput axis has round ticks.
    @Test func marksPercentilesCountsSamplesAndUsesRoundTicks() {
        let svg = SVGPlot.render([report("a", 1, latencies: [1_000_000, 2_000_000, 3_000_000]), report("a", 8, latencies: [4_000_000])],
                                 title: "t", subtitle: "scenario x · fsync always")
        #expect(svg.contains(">p50</text>") && svg.contains(">p99</text>"))
        #expect(svg.contains("a c=1 (n=3; p50 "))
        #expect(svg.contains("scenario x · fsync always"))
        #expect(SVGPlot.roundTicks(upTo: 11_604).step == 5000 && SVGPlot.roundTicks(upTo: 11_604).count == 3)
        #expect(SVGPlot.roundTicks(upTo: 73).step == 20)
        for maximum in [1.0, 7, 99, 1234, 48_000, 1e6] {
            let (step, count) = SVGPlot.roundTicks(upTo: maximum)
            let mantissa = step / SVGPlot.pow10(SVGPlot.floor(SVGPlot.log10(step)))
            #expect([1, 2, 5].contains(mantissa.rounded()) && abs(mantissa - mantissa.rounded()) < 1e-9, "\(maximum): \(step)")
            #expect(step * Double(count) >= maximum && step * Double(count - 1) < maximum, "\(maximum): \(step) × \(count)")
        }
    }

    @Test func theSummaryNamesTheConfiguration() {
        var options = BenchOptions()
        options.scenario = "register-write"
        #expect(options.summary(commit: "abc1234") == "scenario register-write · replicas 3 · fsync always · value 100 B · 5 s per run after 1 s warm-up · \(ProcessInfo.processInfo.activeProcessorCount) cores · commit abc1234")
        options.target = "127.0.0.1:1"
        #expect(!options.summary(commit: nil).contains("fsync"))
    }

    @Test func logarithmsAreAccurate() {
        for value in [0.001, 0.5, 1, 2, 10, 123.4, 1e6] {
            #expect(abs(SVGPlot.log10(value) - Foundation.log10(value)) < 1e-9, "\(value)")
        }
    }
}

import Foundation
