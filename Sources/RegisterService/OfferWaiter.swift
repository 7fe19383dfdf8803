import RegisterCore
import Synchronization

/// Drives one `OfferRound` for a coordinator: answers and the local store's outcome arrive from
/// any thread, and the coordinator awaits the round's steps one at a time.
///
/// Guarantees: every step other than `wait` is handed to `next()` exactly once, in the order the
/// round took it; `next()` fails with cancellation when the caller is cancelled.
final class OfferWaiter: Sendable {
    struct State: ~Copyable {
        var round: OfferRound
        var steps: [OfferRound.Step] = []
        var continuation: CheckedContinuation<OfferRound.Step, any Error>?
        var cancelled = false
    }

    private let state: Mutex<State>

    init(round: OfferRound) {
        state = Mutex(State(round: round))
    }

    func start() { feed { $0.start() } }

    func receive(_ answer: OfferRound.Answer) { feed { $0.receive(answer) } }

    func localStoreFinished(succeeded: Bool) { feed { $0.localStoreFinished(succeeded: succeeded) } }

    private func feed(_ event: (inout OfferRound) -> OfferRound.Step) {
        let ready = state.withLock { state -> (CheckedContinuation<OfferRound.Step, any Error>, OfferRound.Step)? in
            let step = event(&state.round)
            guard step != .wait else { return nil }
            guard let continuation = state.continuation else {
                state.steps.append(step)
                return nil
            }
            state.continuation = nil
            return (continuation, step)
        }
        if let (continuation, step) = ready { continuation.resume(returning: step) }
    }

    /// The round's next step, waiting for the event that brings it.
    func next() async throws -> OfferRound.Step {
        // A step already taken needs no suspension.
        if let ready = state.withLock({ $0.steps.isEmpty ? nil : $0.steps.removeFirst() }) { return ready }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<OfferRound.Step, any Error>) in
                let ready = state.withLock { state -> Result<OfferRound.Step, any Error>? in
                    if !state.steps.isEmpty { return .success(state.steps.removeFirst()) }
                    if state.cancelled || Task.isCancelled {
                        state.cancelled = true
                        return .failure(CancellationError())
                    }
                    state.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<OfferRound.Step, any Error>? in
                state.cancelled = true
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
