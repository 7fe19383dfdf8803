import Replication
import RPC
import Testing

struct QuorumWaitTests {
    static func tooFew(_ failures: [String]) -> ConnectError { ConnectError(.unavailable, "short: " + failures.joined(separator: "; ")) }

    /// A majority of distinct participants completes the wait; a second reply from one of them
    /// does not count twice.
    @Test func needsDistinctParticipants() async throws {
        let wait = QuorumWait<Int>(participants: 5, needed: 3, shortfall: Self.tooFew)
        wait.deliver(.success(1), from: "a")
        wait.deliver(.success(2), from: "a")
        wait.deliver(.success(3), from: "b")
        let waiting = Task { try await wait.wait() }
        wait.deliver(.success(4), from: "c")
        #expect(try await waiting.value == ["a": 1, "b": 3, "c": 4])
    }

    /// It fails as soon as the quorum is out of reach, naming the failures, without waiting for
    /// the participants that have not answered.
    @Test func failsOnceAQuorumIsImpossible() async {
        let wait = QuorumWait<Int>(participants: 3, needed: 2, shortfall: Self.tooFew)
        wait.deliver(.failure(ConnectError(.unavailable, "down")), from: "b")
        wait.deliver(.failure(ConnectError(.deadlineExceeded, "slow")), from: "a")
        do {
            _ = try await wait.wait()
            Issue.record("a quorum of 2 with 2 of 3 failed completed")
        } catch let error as ConnectError {
            #expect(error.code == .unavailable)
            #expect(error.message == "short: a: slow; b: down")
        } catch {
            Issue.record("unexpected \(error)")
        }
        wait.deliver(.success(1), from: "c")  // too late: ignored
    }

    @Test func nothingNeededIsDoneAtOnce() async throws {
        #expect(try await QuorumWait<Int>(participants: 2, needed: 0, shortfall: Self.tooFew).wait().isEmpty)
    }

    @Test func cancellingTheWaiterEndsTheWait() async {
        let wait = QuorumWait<Int>(participants: 3, needed: 2, shortfall: Self.tooFew)
        let waiting = Task { try await wait.wait() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
