import Glibc
import Synchronization
import Testing
@testable import RPC

/// An actor that runs on a given event loop.
private actor LoopBound {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    var count = 0

    init(loop: EventLoop) { self.loop = loop }

    func increment() -> Bool {
        count += 1
        return EventLoop.current === loop
    }
}

@Suite(.serialized)
struct EventLoopTests {
    @Test func tasksPreferringALoopRunOnItsThread() async {
        let loop = EventLoop.group[0]
        let onLoop = await Task(executorPreference: loop) { EventLoop.current === loop }.value
        #expect(onLoop)
        #expect(EventLoop.current == nil || EventLoop.group.contains { $0 === EventLoop.current })
    }

    /// A loop's own sleep wakes no earlier than its deadline, on the loop; several sleepers wake
    /// in any order of registration; a cancelled sleeper throws at once.
    @Test(.timeLimit(.minutes(1))) func loopSleepsWakeAtTheirDeadlinesAndCancel() async throws {
        let loop = EventLoop.group[0]
        let woke = try await Task(executorPreference: loop) { () async throws -> [Bool] in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for milliseconds in [30, 10, 20] {
                    group.addTask {
                        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
                        try await loop.sleep(until: deadline)
                        return ContinuousClock.now >= deadline && EventLoop.current === loop
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }.value
        #expect(woke == [true, true, true])
        let sleeper = Task(executorPreference: loop) { try await loop.sleep(until: .now + .seconds(3600)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        // The cancelled sleeper left the table (other tests may have sleepers of their own here).
        let farAhead = ContinuousClock.now + .seconds(3000)
        #expect(!loop.waits.withLock { $0.sleepers.values.contains { $0.deadline > farAhead } })
    }

    /// An actor whose executor is a loop runs every call on that loop's thread, serially.
    @Test func anActorCanRunOnALoop() async {
        let loop = EventLoop.group[EventLoop.group.count - 1]
        let bound = LoopBound(loop: loop)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { await bound.increment() } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
        #expect(await bound.count == 200)
    }

    /// Idle hooks run on every loop once it runs out of jobs, saying whether sockets are waiting.
    @Test func idleHooksRunWhenALoopRunsOutOfWork() async throws {
        let calls = Mutex<[ObjectIdentifier: Int]>([:])
        EventLoop.whenIdle { _ in
            guard let loop = EventLoop.current else { return }
            calls.withLock { $0[ObjectIdentifier(loop), default: 0] += 1 }
        }
        for loop in EventLoop.group {
            // A job on each loop makes it go round (and run its hooks) at least once more.
            await Task(executorPreference: loop) {}.value
        }
        var seen = 0
        for _ in 0..<200 where seen < EventLoop.group.count {
            seen = calls.withLock { $0.count }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(seen == EventLoop.group.count)
    }

    /// A loop resuming its own socket waiter does not wake itself through its eventfd: doing so
    /// made the next check see a "ready" descriptor, so an idle loop looked busy to its idle hooks
    /// (and the write-ahead log went to its flusher thread instead of being synced inline).
    @Test func resumingItsOwnWaiterDoesNotMakeALoopLookBusy() async throws {
        let loop = try EventLoop(name: "node-test-loop")
        var ends: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        let socket = Socket(fd: ends[0])
        try loop.register(socket)
        defer { loop.deregister(socket) }
        let waiting = Task(executorPreference: loop) { try await loop.readable(socket) }
        // Let the loop park the waiter and settle before counting.
        try await Task.sleep(for: .milliseconds(100))
        let seen = Mutex<[Bool]>([])
        loop.idleHooks.withLock { $0.append { busy in seen.withLock { $0.append(busy) } } }
        var byte: UInt8 = 1
        #expect(write(ends[1], &byte, 1) == 1)
        try await waiting.value
        for _ in 0..<200 where seen.withLock({ !$0.contains(false) }) { try await Task.sleep(for: .milliseconds(5)) }
        let calls = seen.withLock { $0 }
        #expect(calls.contains(false), "the loop never went idle")
        #expect(!calls.contains(true), "the loop looked busy: \(calls)")
    }
}
