public import RPC
import Synchronization

/// Waits for `needed` of `participants` replicas to answer one phase of one operation: replies
/// arrive from any thread (a batcher's callback, a task per peer), the first `needed` successes
/// win, later replies are ignored. Every role's "wait for a quorum" is this one type.
///
/// Guarantees: `wait` returns the successful replies once `needed` distinct participants
/// succeeded; fails with `shortfall(failures)` as soon as so many failed that `needed` can no
/// longer be reached; fails with cancellation when the waiting task is cancelled. A participant's
/// second reply is ignored. `needed` 0 succeeds at once.
public final class QuorumWait<Reply: Sendable>: Sendable {
    struct State: ~Copyable {
        // Arrays, not dictionaries: a handful of participants, searched in a few comparisons
        // (this is on every write's path).
        var replies: [(participant: String, reply: Reply)] = []
        var failures: [(participant: String, why: String)] = []
        var continuation: CheckedContinuation<[String: Reply], any Error>?
        var result: Result<[String: Reply], any Error>?
    }

    public let participants: Int
    public let needed: Int
    let shortfall: @Sendable ([String]) -> ConnectError
    private let state: Mutex<State>

    /// - Parameter shortfall: the error when too many failed, from their failures ("peer: why").
    public init(participants: Int, needed: Int, shortfall: @escaping @Sendable ([String]) -> ConnectError) {
        self.participants = participants
        self.needed = needed
        self.shortfall = shortfall
        var initial = State()
        if needed <= 0 { initial.result = .success([:]) }
        state = Mutex(initial)
    }

    public func deliver(_ result: Result<Reply, ConnectError>, from participant: String) {
        let ready = state.withLock { state -> (CheckedContinuation<[String: Reply], any Error>, Result<[String: Reply], any Error>)? in
            guard state.result == nil, !state.replies.contains(where: { $0.participant == participant }),
                  !state.failures.contains(where: { $0.participant == participant }) else { return nil }
            switch result {
            case .success(let reply):
                state.replies.append((participant, reply))
                if state.replies.count >= needed {
                    state.result = .success(Dictionary(state.replies, uniquingKeysWith: { first, _ in first }))
                }
            case .failure(let error):
                state.failures.append((participant, error.message))
                if participants - state.failures.count < needed {
                    state.result = .failure(shortfall(state.failures.sorted { $0.participant < $1.participant }.map { "\($0.participant): \($0.why)" }))
                }
            }
            guard let result = state.result, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, result)
        }
        if let (continuation, result) = ready { continuation.resume(with: result) }
    }

    public func wait() async throws -> [String: Reply] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[String: Reply], any Error>) in
                let ready = state.withLock { state -> Result<[String: Reply], any Error>? in
                    if let result = state.result { return result }
                    if Task.isCancelled {
                        state.result = .failure(CancellationError())
                        return state.result
                    }
                    state.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<[String: Reply], any Error>? in
                if state.result == nil { state.result = .failure(CancellationError()) }
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
