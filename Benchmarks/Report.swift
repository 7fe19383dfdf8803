import Foundation

/// One measured run: what ran and what it measured.
struct RunReport {
    var name: String
    var concurrency: Int
    var result: LoadGenerator.Result
    /// Scenario-specific remarks printed under the table.
    var note: String = ""

    /// "vs etcd: throughput ×…, p50 ×…": this run's figures as ratios of `other`'s (a `--compare` anchor).
    func ratios(to other: RunReport, named anchor: String) -> String {
        String(format: "vs \(anchor): throughput ×%.2f, p50 ×%.2f (below 1 is faster)",
               result.throughput / max(other.result.throughput, 0.001),
               Double(result.histogram.percentile(50)) / Double(max(other.result.histogram.percentile(50), 1)))
    }

    var row: [String] {
        let h = result.histogram
        // A run without a single operation has no latency: `-`, never a misleading 0.
        func us(_ ns: UInt64) -> String { h.total == 0 ? "-" : String(format: "%.0f", Double(ns) / 1000) }
        let errors = result.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return [name, "\(concurrency)", "\(h.total)", String(format: "%.0f", result.throughput),
                us(h.percentile(50)), us(h.percentile(90)), us(h.percentile(99)), us(h.percentile(99.9)), us(h.maximum),
                h.total == 0 ? "-" : String(format: "%.0f", h.mean / 1000), result.serverCPUPerOperation.map { String(format: "%.0f", $0) } ?? "-",
                errors.isEmpty ? "0" : errors]
    }

    var json: [String: Any] {
        let h = result.histogram
        return ["name": name, "concurrency": concurrency, "operations": h.total, "throughput": result.throughput,
                "p50_us": Double(h.percentile(50)) / 1000, "p90_us": Double(h.percentile(90)) / 1000,
                "p99_us": Double(h.percentile(99)) / 1000, "p999_us": Double(h.percentile(99.9)) / 1000,
                "max_us": Double(h.maximum) / 1000, "mean_us": h.mean / 1000, "errors": result.errors, "first_errors": result.firstErrors, "note": note,
                "server_cpu_us_per_op": result.serverCPUPerOperation ?? NSNull()]
    }

    static let header = ["run", "conc", "ops", "ops/s", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs", "mean µs", "cpu µs/op", "errors"]

    static func table(_ reports: [RunReport]) -> String {
        let rows = [header] + reports.map(\.row)
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.enumerated().map { index, row in
            let line = row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
            return index == 0 ? line + "\n" + String(repeating: "-", count: line.count) : line
        }.joined(separator: "\n") + reports.filter { !$0.note.isEmpty }.map { "\n  \($0.name) c=\($0.concurrency): \($0.note)" }.joined()
            + reports.flatMap { report in
                report.result.firstErrors.sorted { $0.key < $1.key }.map { "\n  \(report.name) c=\(report.concurrency): first \($0.key): \($0.value)" }
            }.joined()
    }
}
