import Foundation

/// CPU time (user + system) that processes have used, read from `/proc/PID/stat`.
///
/// Guarantees: processes that have exited (or are not readable) count as zero; nil only when no
/// process could be read at all, so a run against `--target` nodes reports no CPU figure.
enum ProcessCPU {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    static func seconds(of pids: some Sequence<Int32>) -> Double? {
        var total = 0.0
        var read = false
        for pid in pids {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { continue }
            // After "pid (comm) ": state is field 3, utime field 14 and stime field 15.
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            total += (user + system) / ticksPerSecond
            read = true
        }
        return read ? total : nil
    }
}
