extension AsyncThrowingStream where Failure == any Error {
    /// A stream fed by `produce`, which runs in its own task: the one bridge from "a task that
    /// yields" to "a stream a caller iterates" (server-streaming handlers, client streams, maps).
    ///
    /// The task prefers `loop` (by default the event loop running the caller, if any), so a
    /// stream started by a connection's handler is produced on the thread that writes it out: no
    /// cross-thread wake-up per element. (An unstructured `Task {}` does not inherit a task
    /// executor preference, and ran on the global pool.)
    ///
    /// Guarantees: the stream finishes when `produce` returns, with its error if it throws; the
    /// task is cancelled as soon as the consumer stops iterating or drops the stream.
    public static func producing(on loop: EventLoop? = EventLoop.current, bufferingPolicy: Continuation.BufferingPolicy = .unbounded,
                                 _ produce: @escaping @Sendable (Continuation) async throws -> Void) -> Self {
        let (stream, continuation) = makeStream(bufferingPolicy: bufferingPolicy)
        let task = Task(executorPreference: loop) {
            do {
                try await produce(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// `upstream` with `transform` applied to every element (in a task, as `producing`).
    public static func mapping<Upstream: AsyncSequence & Sendable>(_ upstream: Upstream, on loop: EventLoop? = EventLoop.current,
                                                                   _ transform: @escaping @Sendable (Upstream.Element) throws -> Element)
        -> Self where Upstream.Element: Sendable {
        producing(on: loop) { continuation in
            for try await element in upstream { continuation.yield(try transform(element)) }
        }
    }
}
