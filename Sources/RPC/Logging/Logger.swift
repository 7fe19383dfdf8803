import Foundation
import Synchronization

/// A structured logger: a label, a minimum level, fixed metadata, and a sink.
///
/// Value type: `with(_:_:)` returns a copy carrying more metadata. Messages are autoclosures, so a
/// filtered-out message is never built. Lines are logfmt (`ts=… level=… msg=… key=value`) or JSON.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical

        public init?(name: String) {
            guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
            self = level
        }

        public var name: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public enum Format: String, Sendable, CaseIterable {
        case logfmt, json
    }

    public var level: Level
    public var format: Format
    public private(set) var metadata: [(String, String)]
    let sink: any LogSink

    public init(level: Level = .info, format: Format = .logfmt, metadata: [(String, String)] = [], sink: any LogSink = StandardErrorSink.shared) {
        self.level = level
        self.format = format
        self.metadata = metadata
        self.sink = sink
    }

    /// A logger that writes nothing.
    public static let disabled = Logger(level: .critical, sink: DiscardingSink())

    public func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy.metadata.append((key, value))
        return copy
    }

    public func log(_ level: Level, _ message: @autoclosure () -> String, _ fields: [(String, String)] = []) {
        guard level >= self.level else { return }
        sink.write(render(level, message(), metadata + fields))
    }

    public func trace(_ message: @autoclosure () -> String, _ fields: [(String, String)] = []) { log(.trace, message(), fields) }
    public func debug(_ message: @autoclosure () -> String, _ fields: [(String, String)] = []) { log(.debug, message(), fields) }
    public func info(_ message: @autoclosure () -> String, _ fields: [(String, String)] = []) { log(.info, message(), fields) }
    public func notice(_ message: @autoclosure () -> String, _ fields: [(String, String)] = []) { log(.notice, message(), fields) }
    public func warning(_ message: @autoclosure () -> String, _ fields: [(String, String)] = []) { log(.warning, message(), fields) }
    public func error(_ message: @autoclosure () -> String, _ fields: [(String, String)] = []) { log(.error, message(), fields) }
    public func critical(_ message: @autoclosure () -> String, _ fields: [(String, String)] = []) { log(.critical, message(), fields) }

    /// Whether a message at `level` would be written (to skip building costly fields).
    public func isEnabled(_ level: Level) -> Bool { level >= self.level }

    func render(_ level: Level, _ message: String, _ fields: [(String, String)]) -> String {
        // RFC 3339 in UTC with milliseconds, e.g. 2026-12-03T21:08:02.997Z.
        let timestamp = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        var all = [("ts", timestamp), ("level", level.name), ("msg", message)]
        // No key twice on a line: a field that repeats a key (say the node's `role` metadata and
        // a message's own `role`) is written as key_2, key_3, ….
        var seen: [String: Int] = ["ts": 1, "level": 1, "msg": 1]
        for (key, value) in fields {
            let count = seen[key, default: 0] + 1
            seen[key] = count
            all.append((count == 1 ? key : "\(key)_\(count)", value))
        }
        switch format {
        case .logfmt:
            return all.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " ")
        case .json:
            return "{" + all.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",") + "}"
        }
    }

    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\n" }
        guard needsQuotes else { return value }
        return jsonString(value)
    }

    static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Where rendered log lines go.
public protocol LogSink: Sendable {
    func write(_ line: String)
}

/// Writes each line to standard error, one `write` per line so concurrent lines never interleave.
public struct StandardErrorSink: LogSink {
    public static let shared = StandardErrorSink()
    public func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { _ = Foundation.write(2, $0.baseAddress, $0.count) }
    }
}

/// Drops every line.
public struct DiscardingSink: LogSink {
    public init() {}
    public func write(_ line: String) {}
}

/// Keeps lines in memory (tests read them back).
public final class MemoryLogSink: LogSink {
    private let lines = Mutex<[String]>([])
    public init() {}
    public func write(_ line: String) { lines.withLock { $0.append(line) } }
    public var recorded: [String] { lines.withLock { $0 } }
}
