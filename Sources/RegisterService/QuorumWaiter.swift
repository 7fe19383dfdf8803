import RegisterCore
import RPC
import Synchronization

/// Waits for a majority of `replicas` to answer one phase of one operation. Replies arrive from
/// any thread; the first quorum wins, later replies are ignored.
///
/// Guarantees: `wait` returns once a majority replied, fails with `unavailable` as soon as a
/// majority can no longer be reached, and fails with cancellation when the caller is cancelled.
final class QuorumWaiter<Reply: Sendable>: Sendable {
    struct State: ~Copyable {
        var collector: QuorumCollector<Reply>
        var failures: [String] = []
        var continuation: CheckedContinuation<[String: Reply], any Error>?
        var result: Result<[String: Reply], any Error>?
    }

    let replicas: Int
    private let state: Mutex<State>

    init(replicas: Int) {
        self.replicas = replicas
        state = Mutex(State(collector: QuorumCollector(size: replicas)))
    }

    func deliver(_ result: Result<Reply, ConnectError>, from replica: String) {
        let (continuation, outcome) = state.withLock { state -> (CheckedContinuation<[String: Reply], any Error>?, Result<[String: Reply], any Error>?) in
            guard state.result == nil else { return (nil, nil) }
            switch result {
            case .success(let reply):
                state.collector.add(reply, from: replica)
                if state.collector.isComplete { state.result = .success(state.collector.replies) }
            case .failure(let error):
                state.failures.append("\(replica): \(error.message)")
                if state.failures.count > replicas - state.collector.quorum {
                    state.result = .failure(ConnectError(.unavailable, "no majority of replicas answered (\(state.failures.joined(separator: "; "))); the outcome is unknown"))
                }
            }
            guard let result = state.result, let continuation = state.continuation else { return (nil, nil) }
            state.continuation = nil
            return (continuation, result)
        }
        if let continuation, let outcome { continuation.resume(with: outcome) }
    }

    func wait() async throws -> [String: Reply] {
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
