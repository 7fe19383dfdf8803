import Foundation

/// The standard Prometheus process metrics, read from `/proc/self` at each scrape: CPU seconds,
/// resident memory, open file descriptors and start time (the names every dashboard expects).
///
/// Guarantees: never throws; a value that cannot be read (no `/proc`) is left out of the output
/// rather than reported as zero.
public enum ProcessMetrics {
    /// Seconds since the epoch when this process started (recorded on first use, which
    /// `MetricsRegistry.init` makes happen at start-up).
    static let startTime = Date().timeIntervalSince1970

    /// The metrics in Prometheus text format.
    public static func render() -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ value: Double?) {
            guard let value else { return }
            out += MetricsRegistry.series(name, type, help, format(value))
        }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let stat = statFields()
        let cpu = stat.flatMap { fields -> Double? in
            guard fields.count > 14, let user = Double(fields[13]), let system = Double(fields[14]), ticks > 0 else { return nil }
            return (user + system) / ticks
        }
        family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", cpu)
        family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", residentBytes())
        family("process_open_fds", "gauge", "Number of open file descriptors.",
               (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map { Double($0.count) })
        family("process_max_fds", "gauge", "Maximum number of open file descriptors.", maxDescriptors())
        family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", startTime)
        return out
    }

    /// Fields of `/proc/self/stat` after the command name (which may contain spaces), numbered
    /// so that index 13 is utime and 14 stime as in proc(5) counting from the state field at 2.
    static func statFields() -> [String]? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let rest = text[text.index(after: close)...].split(separator: " ").map(String.init)
        return ["pid", "comm"] + rest
    }

    static func residentBytes() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func maxDescriptors() -> Double? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Double(limit.rlim_cur)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
