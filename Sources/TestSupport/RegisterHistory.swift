/// A history of register operations as clients saw them, for the linearizability checker.
///
/// Times are from one monotonic clock (nanoseconds). An operation whose outcome is unknown (a
/// timeout, `unavailable`) has no completion time: it may have taken effect at any point after
/// its invocation, or never.
public struct RegisterOperation: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Set the register (nil: delete).
        case write(String?)
        /// Observed this value (nil: not found).
        case read(String?)
    }

    public enum Outcome: Sendable, Equatable {
        case ok
        /// Definitely did not happen (rejected before any effect).
        case fail
        /// May or may not have happened.
        case unknown
    }

    public var process: Int
    public var key: String
    public var kind: Kind
    public var invoke: UInt64
    public var complete: UInt64
    public var outcome: Outcome

    public init(process: Int, key: String, kind: Kind, invoke: UInt64, complete: UInt64, outcome: Outcome) {
        self.process = process
        self.key = key
        self.kind = kind
        self.invoke = invoke
        self.complete = complete
        self.outcome = outcome
    }

    public var description: String {
        let what = switch kind {
        case .write(let value): "write(\(value ?? "∅"))"
        case .read(let value): "read→\(value ?? "∅")"
        }
        return "p\(process) \(key) \(what) [\(invoke)…\(outcome == .unknown ? "?" : String(complete))] \(outcome)"
    }
}
