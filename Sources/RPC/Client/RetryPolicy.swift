/// Capped exponential backoff with full jitter, for retrying calls that may be retried.
package struct RetryPolicy: Sendable, Equatable {
    package var maxAttempts: Int
    package var initialBackoff: Duration
    package var maxBackoff: Duration
    package var multiplier: Double

    package init(maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(20), maxBackoff: Duration = .seconds(1), multiplier: Double = 2) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
    }

    package static let none = RetryPolicy(maxAttempts: 1)

    /// The pause before retry number `attempt` (1-based): uniform in [0, min(max, initial·m^(attempt-1))].
    package func backoff(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        var ceiling = initialBackoff
        for _ in 1..<max(1, attempt) {
            ceiling = ceiling * multiplier
            if ceiling >= maxBackoff { ceiling = maxBackoff; break }
        }
        let fraction = Double(generator.next() >> 11) / Double(1 << 53)
        return ceiling * fraction
    }

    /// Whether a failure with `error` may be retried for a call that is (or is not) idempotent.
    package static func isRetryable(_ error: ConnectError, idempotent: Bool) -> Bool {
        if error.requestNotSent { return true }
        guard idempotent else { return false }
        switch error.code {
        case .unavailable, .resourceExhausted, .aborted: return true
        default: return false
        }
    }
}
