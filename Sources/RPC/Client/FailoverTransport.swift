import Synchronization

/// A `ClientTransport` over several servers of one service: sticks to the last one that answered,
/// fails over to the next on a retryable failure, backing off between rounds.
///
/// Guarantees: a call is attempted at most `policy.maxAttempts` times and never past its timeout;
/// non-idempotent calls are retried only when the request certainly was not sent; a call that
/// fails because its server is down or silent (unavailable, deadline exceeded) moves the
/// preference to the next server, so a paused server does not hold every later call.
public final class FailoverTransport: ClientTransport {
    public let transports: [any ClientTransport]
    public let policy: RetryPolicy
    private let preferred = Atomic<Int>(0)
    private let random = Mutex(SystemRandomNumberGenerator())

    public init(_ transports: [any ClientTransport], policy: RetryPolicy = RetryPolicy()) {
        precondition(!transports.isEmpty, "FailoverTransport needs at least one transport")
        self.transports = transports
        self.policy = policy
    }

    /// Index of the server currently preferred.
    public var current: Int { preferred.load(ordering: .relaxed) }

    public func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        var lastError = ConnectError(.unavailable, "no attempt made")
        for attempt in 1...max(1, policy.maxAttempts) {
            var attemptOptions = options
            if let deadline {
                let left = deadline - .now
                guard left > .zero else { break }
                attemptOptions.timeout = left
            }
            let index = (preferred.load(ordering: .relaxed) + (attempt - 1)) % transports.count
            do {
                let response = try await transports[index].unary(path: path, body: body, options: attemptOptions)
                preferred.store(index, ordering: .relaxed)
                return response
            } catch {
                lastError = error
                guard RetryPolicy.isRetryable(error, idempotent: options.retryable), attempt < policy.maxAttempts else {
                    if error.code == .unavailable || error.code == .deadlineExceeded {
                        preferred.store((index + 1) % transports.count, ordering: .relaxed)
                    }
                    throw error
                }
                // Back off once per full round over the servers.
                if attempt % transports.count == 0 {
                    var pause = random.withLock { policy.backoff(attempt: attempt / transports.count, using: &$0) }
                    if let deadline { pause = min(pause, max(.zero, deadline - .now)) }
                    do { try await Task.sleep(for: pause) } catch { throw ConnectError(.canceled, "the call was canceled") }
                }
            }
        }
        if deadline.map({ ContinuousClock.now >= $0 }) == true, lastError.code == .unavailable {
            throw ConnectError(.deadlineExceeded, "no server answered before the deadline: \(lastError.message)")
        }
        throw lastError
    }

    public func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        transports[preferred.load(ordering: .relaxed) % transports.count].serverStream(path: path, body: body, options: options)
    }
}
