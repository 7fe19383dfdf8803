import Replication
import Synchronization
import Testing

/// The batcher's promises, with a `send` that holds each call until the test lets it go, so the
/// orderings are controlled rather than raced.
struct PeerBatcherTests {
    /// A `send` that records its batches and waits for `release` before returning.
    final class HeldCalls: Sendable {
        struct State {
            var batches: [[Int]] = []
            var running = 0
            var mostRunning = 0
            var gates: [CheckedContinuation<Void, Never>] = []
        }

        let state = Mutex(State())

        func send(_ batch: [Int]) async {
            await withCheckedContinuation { continuation in
                state.withLock { state in
                    state.batches.append(batch)
                    state.running += 1
                    state.mostRunning = max(state.mostRunning, state.running)
                    state.gates.append(continuation)
                }
            }
            state.withLock { $0.running -= 1 }
        }

        /// Lets every held call return.
        func releaseAll() {
            let gates = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                defer { state.gates = [] }
                return state.gates
            }
            for gate in gates { gate.resume() }
        }

        var batches: [[Int]] { state.withLock { $0.batches } }
        var mostRunning: Int { state.withLock { $0.mostRunning } }

        /// Waits (bounded) until `count` calls have started.
        func waitForCalls(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while state.withLock({ $0.batches.count }) < count {
                guard ContinuousClock.now < deadline else { throw Timeout(started: batches.count, wanted: count) }
                try await Task.sleep(for: .milliseconds(2))
            }
        }

        struct Timeout: Error { let started: Int; let wanted: Int }
    }

    /// Items queued while the only call is out go together in the next call, in order; every
    /// item goes out exactly once.
    @Test func itemsWaitingForACallGoTogetherInOrder() async throws {
        let calls = HeldCalls()
        let batcher = PeerBatcher<Int>(maxInFlight: 1) { await calls.send($0) }
        batcher.enqueue(1)
        try await calls.waitForCalls(1)
        batcher.enqueue(contentsOf: [2, 3])
        batcher.enqueue(4)
        #expect(batcher.queued == 3)
        calls.releaseAll()
        try await calls.waitForCalls(2)
        calls.releaseAll()
        #expect(calls.batches == [[1], [2, 3, 4]])
        #expect(calls.mostRunning == 1)
    }

    /// Never more than `maxInFlight` calls at once, and batches no larger than `maxBatch`.
    @Test func boundsCallsInFlightAndBatchSize() async throws {
        let calls = HeldCalls()
        let batcher = PeerBatcher<Int>(maxInFlight: 2, maxBatch: 3) { await calls.send($0) }
        batcher.enqueue(1)
        try await calls.waitForCalls(1)
        batcher.enqueue(2)
        try await calls.waitForCalls(2)
        // Both calls are out: the rest waits.
        batcher.enqueue(contentsOf: Array(3...9))
        #expect(batcher.queued == 7)
        #expect(calls.batches == [[1], [2]])
        // Let calls return until every item went out (bounded in time).
        let deadline = ContinuousClock.now + .seconds(30)
        while calls.batches.joined().count < 9, ContinuousClock.now < deadline {
            calls.releaseAll()
            try await Task.sleep(for: .milliseconds(2))
        }
        let sent = Array(calls.batches.joined())
        calls.releaseAll()
        #expect(sent.sorted() == Array(1...9) && Set(sent).count == 9)
        #expect(calls.batches.allSatisfy { $0.count <= 3 })
        #expect(calls.mostRunning == 2)
    }
}
