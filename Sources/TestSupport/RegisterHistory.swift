/// A history of register operations as clients saw them, for the linearizability checker.
///
/// Times are from one monotonic clock (nanoseconds). An operation whose outcome is unknown (a
/// timeout, `unavailable`) has no completion time: it may have taken effect at any point after
/// its invocation, or never.
package struct RegisterOperation: Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// Set the register (nil: delete).
        case write(String?)
        /// Observed this value (nil: not found).
        case read(String?)
    }

    package enum Outcome: Sendable, Equatable {
        case ok
        /// Definitely did not happen (rejected before any effect).
        case fail
        /// May or may not have happened.
        case unknown
    }

    package var process: Int
    package var key: String
    package var kind: Kind
    package var invoke: UInt64
    package var complete: UInt64
    package var outcome: Outcome

    package init(process: Int, key: String, kind: Kind, invoke: UInt64, complete: UInt64, outcome: Outcome) {
        self.process = process
        self.key = key
        self.kind = kind
        self.invoke = invoke
        self.complete = complete
        self.outcome = outcome
    }

    package var description: String {
        let what = switch kind {
        case .write(let value): "write(\(value ?? "∅"))"
        case .read(let value): "read→\(value ?? "∅")"
        }
        return "p\(process) \(key) \(what) [\(invoke)…\(outcome == .unknown ? "?" : String(complete))] \(outcome)"
    }
}
