import Foundation
import Synchronization

/// Runs CPU-bound `body` (a simulation of thousands of steps) on a thread of its own and waits
/// for it without blocking, one such body at a time in the whole test process: on the
/// cooperative pool (two threads on a two-core machine) it would starve every other test's tasks,
/// and several at once would take both cores — other tests' timeouts and time limits would then
/// fail for no fault of their own.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await SimulationGate.shared.enter()
    defer { SimulationGate.shared.leave() }
    return await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Lets one simulation run at a time; the others wait (in order) without holding a thread.
final class SimulationGate: Sendable {
    static let shared = SimulationGate()

    struct State: ~Copyable {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if !state.busy {
                    state.busy = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
