import Synchronization
import Testing
@testable import RPC

struct AsyncThrowingStreamProducingTests {
    struct Boom: Error {}

    /// What the producer yields arrives in order; its return finishes the stream, its error fails it.
    @Test func yieldsFinishesAndFails() async throws {
        let numbers = AsyncThrowingStream<Int, any Error>.producing { continuation in
            for number in 1...3 { continuation.yield(number) }
        }
        var seen: [Int] = []
        for try await number in numbers { seen.append(number) }
        #expect(seen == [1, 2, 3])

        let failing = AsyncThrowingStream<Int, any Error>.mapping(numbersThenBoom()) { $0 * 10 }
        var mapped: [Int] = []
        await #expect(throws: Boom.self) { for try await number in failing { mapped.append(number) } }
        #expect(mapped == [10])
    }

    /// Started from a task on an event loop, the producer runs on that loop (an unstructured
    /// `Task {}` would not: it drops the executor preference and runs on the global pool).
    @Test func theProducerRunsOnTheCallersLoop() async throws {
        let loop = EventLoop.group[0]
        let places = try await Task(executorPreference: loop) { () async throws -> [Bool] in
            let stream = AsyncThrowingStream<Bool, any Error>.producing { continuation in
                continuation.yield(EventLoop.current === loop)
            }
            var seen: [Bool] = []
            for try await onLoop in stream { seen.append(onLoop) }
            return seen
        }.value
        #expect(places == [true])
    }

    func numbersThenBoom() -> AsyncThrowingStream<Int, any Error> {
        .producing { continuation in
            continuation.yield(1)
            throw Boom()
        }
    }

    /// A consumer that stops early cancels the producer (which would otherwise wait forever).
    @Test(.timeLimit(.minutes(1))) func droppingTheStreamCancelsTheProducer() async throws {
        let (cancelled, signal) = AsyncStream<Void>.makeStream()
        var stream: AsyncThrowingStream<Int, any Error>? = .producing { continuation in
            continuation.yield(1)
            do { try await Task.sleep(for: .seconds(3600)) } catch { signal.yield() }
        }
        var iterator = stream?.makeAsyncIterator()
        #expect(try await iterator?.next() == 1)
        iterator = nil
        stream = nil
        var observed = false
        for await _ in cancelled {
            observed = true
            break
        }
        #expect(observed)
    }
}
