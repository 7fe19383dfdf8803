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

    @Test func logarithmsAreAccurate() {
        for value in [0.001, 0.5, 1, 2, 10, 123.4, 1e6] {
            #expect(abs(SVGPlot.log10(value) - Foundation.log10(value)) < 1e-9, "\(value)")
        }
    }
}

import Foundation
