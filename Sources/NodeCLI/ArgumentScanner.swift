import Foundation

/// Walks an argument list: `--flag value`, `--flag=value`, `-H value`, and positionals.
struct ArgumentScanner {
    private var arguments: [String]
    private var index = 0
    let command: String

    init(_ arguments: [String], command: String) {
        self.arguments = arguments
        self.command = command
    }

    /// The next argument, or nil at the end. Splits `--name=value` into name and a pending value.
    mutating func next() -> String? {
        guard index < arguments.count else { return nil }
        let argument = arguments[index]
        index += 1
        if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
            arguments.insert(String(argument[argument.index(after: equals)...]), at: index)
            return String(argument[..<equals])
        }
        return argument
    }

    /// The value after a flag; a missing value is a usage error.
    mutating func value(for flag: String) throws(UsageError) -> String {
        guard index < arguments.count else {
            throw UsageError("\(flag) needs a value", command: command)
        }
        index += 1
        return arguments[index - 1]
    }

    mutating func int(for flag: String, in range: ClosedRange<Int>) throws(UsageError) -> Int {
        let text = try value(for: flag)
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("\(flag) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'", command: command)
        }
        return number
    }

    mutating func duration(for flag: String) throws(UsageError) -> Duration {
        let text = try value(for: flag)
        guard let duration = DurationText.parse(text) else {
            throw UsageError("\(flag) must be a duration like 500ms, 5s or 2m, got '\(text)'", command: command)
        }
        return duration
    }

    /// The `name: value` after `-H`; the name is lower-cased, spaces around both are trimmed.
    mutating func header(for flag: String) throws(UsageError) -> (String, String) {
        let header = try value(for: flag)
        guard let colon = header.firstIndex(of: ":") else {
            throw UsageError("\(flag) takes 'name: value', got '\(header)'", command: command)
        }
        return (String(header[..<colon]).trimmingCharacters(in: .whitespaces).lowercased(),
                String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
    }

    /// Everything not yet consumed.
    mutating func rest() -> [String] {
        defer { index = arguments.count }
        return Array(arguments[index...])
    }
}

/// Parses durations written as `250ms`, `5s`, `2m`, `1h` or a bare number of seconds.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { return nil }
            return .milliseconds(Int64(value * scale * 1000))
        }
        guard let seconds = Double(text), seconds >= 0 else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }
}
