/// Capped exponential backoff with full jitter, for retrying calls that may be retried.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var multiplier: Double

    public init(maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(20), maxBackoff: Duration = .seconds(1), multiplier: Double = 2) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// The pause before retry number `attempt` (1-based): uniform in [0, min(max, initial·m^(attempt-1))].
    public func backoff(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        var ceiling = initialBackoff
        for _ in 1..<max(1, attempt) {
            ceiling = ceiling * multiplier
            if ceiling >= maxBackoff { ceiling = maxBackoff; break }
        }
        let fraction = Double(generator.next() >> 11) / Double(1 << 53)
        return ceiling * fraction
    }

    /// Whether a failure with `error` may be retried for a call that is (or is not) idempotent.
    public static func isRetryable(_ error: ConnectError, idempotent: Bool) -> Bool {
        if error.requestNotSent { return true }
        guard idempotent else { return false }
        switch error.code {
        case .unavailable, .resourceExhausted, .aborted: return true
        default: return false
        }
    }
}
