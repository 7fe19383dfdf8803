/// Renders runs as an SVG a person can open in a browser: latency by percentile (log scales, as
/// HdrHistogram plots do) with p50 and p99 marked, and, when runs share a name at several
/// concurrencies, throughput by concurrency on round ticks. A subtitle carries the configuration
/// and each legend entry its sample count.
enum SVGPlot {
    static let percentiles: [Double] = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100]
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    static func render(_ reports: [RunReport], title: String, subtitle: String = "") -> String {
        let width = 1150.0, panel = 380.0, left = 80.0, top = 64.0, plotWidth = 560.0
        let groups = Dictionary(grouping: reports, by: \.name)
        let sweep = groups.values.contains { $0.count > 1 }
        let height = top + panel + (sweep ? panel + 60 : 0) + 40
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" font-family="sans-serif" font-size="12">"#
        svg += #"<rect width="100%" height="100%" fill="white"/>"#
        svg += #"<text x="\#(left)" y="24" font-size="16" font-weight="bold">\#(escape(title))</text>"#
        if !subtitle.isEmpty { svg += #"<text x="\#(left)" y="44" fill="dimgray">\#(escape(subtitle))</text>"# }
        // Latency by percentile.
        let latencies = reports.flatMap { report in percentiles.map { Double(max(1, report.result.histogram.percentile($0))) / 1_000_000 } }
        let low = floor(log10(max(latencies.min() ?? 0.01, 0.001))), high = ceil(log10(max(latencies.max() ?? 1, 0.01)))
        func x(_ percentile: Double) -> Double { left + plotWidth * min(5, log10(1 / max(1e-5, 1 - percentile / 100))) / 5 }
        func y(_ ms: Double) -> Double { top + panel - panel * (log10(max(ms, 0.001)) - low) / max(high - low, 1) }
        svg += axes(left: left, top: top, width: plotWidth, height: panel, xLabel: "percentile", yLabel: "latency (ms, log)")
        for (label, p) in [("0%", 0.0), ("90%", 90), ("99%", 99), ("99.9%", 99.9), ("99.99%", 99.99), ("max", 100)] {
            svg += #"<text x="\#(x(p))" y="\#(top + panel + 16)" text-anchor="middle">\#(label)</text>"#
        }
        var decade = low
        while decade <= high {
            let ms = pow10(decade)
            svg += #"<line x1="\#(left)" x2="\#(left + plotWidth)" y1="\#(y(ms))" y2="\#(y(ms))" stroke="gainsboro"/>"#
            svg += #"<text x="\#(left - 6)" y="\#(y(ms) + 4)" text-anchor="end">\#(format(ms))</text>"#
            decade += 1
        }
        for (label, p) in [("p50", 50.0), ("p99", 99.0)] {
            svg += #"<line x1="\#(x(p))" x2="\#(x(p))" y1="\#(top)" y2="\#(top + panel)" stroke="darkgray" stroke-dasharray="4 3"/>"#
            svg += #"<text x="\#(x(p) + 3)" y="\#(top + 12)" fill="dimgray">\#(label)</text>"#
        }
        for (index, report) in reports.enumerated() {
            let color = colors[index % colors.count]
            let histogram = report.result.histogram
            let points = percentiles.map { "\(x($0)),\(y(Double(max(1, histogram.percentile($0))) / 1_000_000))" }.joined(separator: " ")
            svg += #"<polyline fill="none" stroke="\#(color)" stroke-width="2" points="\#(points)"/>"#
            for p in [50.0, 99.0] {
                svg += #"<circle cx="\#(x(p))" cy="\#(y(Double(max(1, histogram.percentile(p))) / 1_000_000))" r="3.5" fill="\#(color)"/>"#
            }
            let legend = "\(report.name) c=\(report.concurrency) (n=\(histogram.total); p50 \(format(Double(histogram.percentile(50)) / 1e6)), p99 \(format(Double(histogram.percentile(99)) / 1e6)))"
            svg += #"<text x="\#(left + plotWidth + 16)" y="\#(top + 14 + Double(index) * 18)" fill="\#(color)">\#(escape(legend))</text>"#
        }
        if sweep {
            let base = top + panel + 60
            let (step, ticks) = roundTicks(upTo: reports.map(\.result.throughput).max() ?? 1)
            let maxThroughput = step * Double(ticks) / 1.1
            let levels = Array(Set(reports.map(\.concurrency))).sorted()
            func sx(_ concurrency: Int) -> Double {
                let index = Double(levels.firstIndex(of: concurrency) ?? 0)
                return left + plotWidth * (levels.count > 1 ? index / Double(levels.count - 1) : 0.5)
            }
            func sy(_ throughput: Double) -> Double { base + panel - panel * throughput / (maxThroughput * 1.1) }
            svg += axes(left: left, top: base, width: plotWidth, height: panel, xLabel: "concurrency", yLabel: "ops/s")
            for level in levels { svg += #"<text x="\#(sx(level))" y="\#(base + panel + 16)" text-anchor="middle">\#(level)</text>"# }
            for tick in 0...ticks {
                let value = step * Double(tick)
                svg += #"<line x1="\#(left)" x2="\#(left + plotWidth)" y1="\#(sy(value))" y2="\#(sy(value))" stroke="gainsboro"/>"#
                svg += #"<text x="\#(left - 6)" y="\#(sy(value) + 4)" text-anchor="end">\#(Int(value))</text>"#
            }
            for (index, name) in groups.keys.sorted().enumerated() {
                let color = colors[index % colors.count]
                let runs = (groups[name] ?? []).sorted { $0.concurrency < $1.concurrency }
                let points = runs.map { "\(sx($0.concurrency)),\(sy($0.result.throughput))" }.joined(separator: " ")
                svg += #"<polyline fill="none" stroke="\#(color)" stroke-width="2" points="\#(points)"/>"#
                for run in runs { svg += #"<circle cx="\#(sx(run.concurrency))" cy="\#(sy(run.result.throughput))" r="3" fill="\#(color)"/>"# }
                svg += #"<text x="\#(left + plotWidth + 16)" y="\#(base + 14 + Double(index) * 18)" fill="\#(color)">\#(escape(name))</text>"#
            }
        }
        return svg + "</svg>\n"
    }

    static func axes(left: Double, top: Double, width: Double, height: Double, xLabel: String, yLabel: String) -> String {
        #"<rect x="\#(left)" y="\#(top)" width="\#(width)" height="\#(height)" fill="none" stroke="dimgray"/>"#
            + #"<text x="\#(left + width / 2)" y="\#(top + height + 34)" text-anchor="middle">\#(xLabel)</text>"#
            + #"<text x="\#(left - 56)" y="\#(top + height / 2)" text-anchor="middle" transform="rotate(-90 \#(left - 56) \#(top + height / 2))">\#(yLabel)</text>"#
    }

    /// A round step (1, 2 or 5 × 10ⁿ) and how many of them reach past `maximum` (4 to 10 ticks).
    static func roundTicks(upTo maximum: Double) -> (step: Double, count: Int) {
        let target = max(maximum, 1)
        let raw = target / 5
        let magnitude = pow10(floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return (step, Int((target / step).rounded(.up)))
    }

    static func pow10(_ exponent: Double) -> Double { Foundation.pow(10, exponent) }

    /// log10 that tolerates zero (plots clamp it far below any real latency).
    static func log10(_ value: Double) -> Double {
        value > 0 ? Foundation.log10(value) : -10
    }

    static func floor(_ value: Double) -> Double { value.rounded(.down) }
    static func ceil(_ value: Double) -> Double { value.rounded(.up) }

    static func format(_ ms: Double) -> String {
        ms >= 1 ? "\(Int(ms)) ms" : "\(Int((ms * 1000).rounded())) µs"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}

import Foundation
