import CNodeSystem
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One epoll instance and the thread that waits on it, bridged to async/await; also a
/// `TaskExecutor`, so tasks that prefer it run on the same thread that sees their sockets ready.
///
/// Sockets are registered edge-triggered. A task that got `.wouldBlock` awaits `readable(_:)` or
/// `writable(_:)`; readiness that arrives while nobody waits is remembered, so no wake-up is lost.
/// Connection tasks run with this loop as their executor preference (as in SwiftNIO): a ready
/// socket resumes its task on this thread without a cross-thread wake-up.
/// Guarantees: every waiter is resumed exactly once (readiness, deregistration or task
/// cancellation); jobs enqueued from any thread run on the loop thread in FIFO order. Being one
/// thread, a loop is also a `SerialExecutor`: an actor can run on it (`unownedExecutor`), so
/// its calls from connection tasks on the same loop need no thread hop.
/// Code running on a loop must not block (no fsync, no sleep): it would stall every socket; the
/// one exception is an idle hook (`whenIdle`), which runs between iterations.
public final class EventLoop: TaskExecutor, SerialExecutor, Sendable {
    /// The process-wide loops, one per core; `next()` spreads connections over them.
    /// Created on first use: `configure(count:)` if it was called, else `NODE_EVENT_LOOPS`, else
    /// one per core (at most 16).
    public static let group: [EventLoop] = {
        let configured = requestedCount.load(ordering: .acquiring)
        let fallback = Int(ProcessInfo.processInfo.environment["NODE_EVENT_LOOPS"] ?? "") ?? ProcessInfo.processInfo.activeProcessorCount
        let count = max(1, min(configured > 0 ? configured : fallback, 16))
        return (0..<count).map { index in
            do { return try EventLoop(name: "node-loop-\(index)") } catch { fatalError("cannot create an event loop: \(error)") }
        }
    }()

    private static let counter = Atomic<Int>(0)
    private static let requestedCount = Atomic<Int>(0)

    /// Sets how many loops `group` will have. Only effective before the first use of any loop
    /// (processes call it at start-up): several processes sharing a machine do best with the
    /// cores divided among them, since every extra thread adds cross-thread wake-ups.
    public static func configure(count: Int) {
        requestedCount.store(count, ordering: .releasing)
    }

    /// Loops for each of `processes` processes sharing this machine: its cores divided among them.
    public static func share(among processes: Int) -> Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, processes))
    }

    /// The loop for the next connection (round-robin).
    public static func next() -> EventLoop {
        group[counter.add(1, ordering: .relaxed).oldValue % group.count]
    }

    /// The first loop, for code that does not care which.
    public static var shared: EventLoop { group[0] }

    /// The loop whose thread is running the caller, if any. Work started from a handler with
    /// this as its executor preference (and sockets it opens here) stays on one thread: no
    /// cross-thread wake-up when their replies arrive.
    public static var current: EventLoop? {
        guard let pointer = cnode_current_loop() else { return nil }
        // Loops are created once per process (`group`) and never freed, so the pointer stays valid.
        return Unmanaged<EventLoop>.fromOpaque(pointer).takeUnretainedValue()
    }

    struct Registration {
        var readReady = false
        var writeReady = false
        /// The peer closed its side: every later read wait returns at once. Sticky, because the
        /// hang-up may arrive in the same edge as the last data, which one read consumes whole
        /// (a reader that then waits for a new edge would wait forever).
        var peerClosed = false
        var reader: CheckedContinuation<Void, any Error>?
        var writer: CheckedContinuation<Void, any Error>?
        /// Identifies the parked wait, so an expired timer cannot resume a later wait.
        var readerToken: UInt64 = 0
        var writerToken: UInt64 = 0

        /// Readiness for reading or writing arrived: the parked waiter to resume, or (nobody
        /// waiting) the readiness remembered for the next wait.
        mutating func ready(forWrite: Bool) -> CheckedContinuation<Void, any Error>? {
            if forWrite {
                defer { writer = nil }
                if writer == nil { writeReady = true }
                return writer
            }
            defer { reader = nil }
            if reader == nil { readReady = true }
            return reader
        }
    }

    /// A parked wait with a deadline.
    struct Timer: Comparable {
        let deadline: ContinuousClock.Instant
        let fd: Int32
        let forWrite: Bool
        let token: UInt64
        static func < (a: Timer, b: Timer) -> Bool { a.deadline < b.deadline }
    }

    /// Thrown by a socket wait whose deadline passed.
    public struct WaitTimeout: Error, Sendable {}

    struct Waits: ~Copyable {
        var table: [Int32: Registration] = [:]
        var timers: [Timer] = []
        var nextToken: UInt64 = 1
        /// `sleep(until:)` callers, by token.
        var sleepers: [UInt64: (deadline: ContinuousClock.Instant, continuation: CheckedContinuation<Void, any Error>)] = [:]
    }

    struct Jobs: ~Copyable {
        var queue: [UnownedJob] = []
        var sleeping = false
    }

    let epollFD: Int32
    let wakeFD: Int32
    /// A read buffer for code running on this loop's thread that copies what it reads before
    /// its next suspension (HTTP connections): one per loop instead of one per connection, so
    /// thousands of idle connections hold no buffers. Allocated once; loops are never freed.
    nonisolated(unsafe) let scratch: UnsafeMutableRawBufferPointer
    static let scratchBytes = 64 * 1024
    let idleHooks = Mutex<[@Sendable (_ busy: Bool) -> Void]>([])
    let waits = Mutex(Waits())
    let jobs = Mutex(Jobs())

    init(name: String) throws(SocketError) {
        let epfd = cnode_epoll_create()
        guard epfd >= 0 else { throw .last("epoll_create1") }
        let wake = cnode_eventfd()
        guard wake >= 0 else { throw .last("eventfd") }
        epollFD = epfd
        wakeFD = wake
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.scratchBytes, alignment: 16)
        _ = cnode_epoll_add(epfd, wake)
        let thread = Thread { [self] in
            cnode_set_thread_name(name)
            cnode_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
            self.run()
        }
        thread.start()
    }

    /// Runs `hook` on every loop each time that loop has run out of jobs. For work that batches
    /// what one iteration produced, such as a write-ahead log's group commit. `busy` says more
    /// socket events are already waiting: the hook must not block then (hand the work to another
    /// thread). Otherwise the loop was about to sleep, and the hook may block briefly (an fsync);
    /// jobs it enqueues run before the loop sleeps.
    public static func whenIdle(_ hook: @escaping @Sendable (_ busy: Bool) -> Void) {
        for loop in group { loop.idleHooks.withLock { $0.append(hook) } }
    }

    // MARK: - TaskExecutor and SerialExecutor

    public func checkIsolated() {
        precondition(EventLoop.current === self, "expected to run on \(self)")
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let wake = jobs.withLock { jobs -> Bool in
            jobs.queue.append(unowned)
            defer { jobs.sleeping = false }
            return jobs.sleeping
        }
        // The loop's own thread (resuming socket waiters right after epoll) is awake already.
        if wake, EventLoop.current !== self { wakeLoop() }
    }

    // MARK: - Sockets

    /// Starts watching `socket`; call once before waiting on it.
    func register(_ socket: Socket) throws(SocketError) {
        waits.withLock { $0.table[socket.fd] = Registration() }
        guard cnode_epoll_add(epollFD, socket.fd) == 0 else {
            let error = SocketError.last("epoll_ctl(ADD)")
            _ = waits.withLock { $0.table.removeValue(forKey: socket.fd) }
            throw error
        }
    }

    /// Stops watching `socket`; parked waiters get an error. Call before closing the descriptor.
    func deregister(_ socket: Socket) {
        _ = cnode_epoll_del(epollFD, socket.fd)
        let removed = waits.withLock { $0.table.removeValue(forKey: socket.fd) }
        removed?.reader?.resume(throwing: SocketError("wait", errno: EBADF))
        removed?.writer?.resume(throwing: SocketError("wait", errno: EBADF))
    }

    /// Suspends until `socket` may be readable (or hung up); throws `WaitTimeout` at `deadline`.
    func readable(_ socket: Socket, deadline: ContinuousClock.Instant? = nil) async throws {
        try await wait(socket.fd, forWrite: false, deadline: deadline)
    }

    /// Suspends until `socket` may be writable; throws `WaitTimeout` at `deadline`.
    func writable(_ socket: Socket, deadline: ContinuousClock.Instant? = nil) async throws {
        try await wait(socket.fd, forWrite: true, deadline: deadline)
    }

    private func wait(_ fd: Int32, forWrite: Bool, deadline: ContinuousClock.Instant?) async throws {
        if let deadline, deadline <= .now { throw WaitTimeout() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                var wake = false
                let immediate: Result<Void, any Error>? = waits.withLock { waits in
                    guard var registration = waits.table[fd] else { return .failure(SocketError("wait", errno: EBADF)) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if !forWrite, registration.peerClosed { return .success(()) }
                    if forWrite ? registration.writeReady : registration.readReady {
                        if forWrite { registration.writeReady = false } else { registration.readReady = false }
                        waits.table[fd] = registration
                        return .success(())
                    }
                    let token = waits.nextToken
                    waits.nextToken += 1
                    if forWrite {
                        registration.writer = continuation
                        registration.writerToken = token
                    } else {
                        registration.reader = continuation
                        registration.readerToken = token
                    }
                    waits.table[fd] = registration
                    if let deadline {
                        let earliest = waits.timers.min()?.deadline
                        waits.timers.append(Timer(deadline: deadline, fd: fd, forWrite: forWrite, token: token))
                        // The loop may be sleeping with a longer timeout: wake it to recompute.
                        wake = earliest.map { deadline < $0 } ?? true
                    }
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
                // On the loop itself the timeout is recomputed before it next sleeps.
                if wake, EventLoop.current !== self { self.wakeLoop() }
            }
        } onCancel: {
            let parked = waits.withLock { waits -> CheckedContinuation<Void, any Error>? in
                guard var registration = waits.table[fd] else { return nil }
                let taken = forWrite ? registration.writer : registration.reader
                if forWrite { registration.writer = nil } else { registration.reader = nil }
                waits.table[fd] = registration
                return taken
            }
            parked?.resume(throwing: CancellationError())
        }
    }

    /// Suspends until `deadline` (throws `CancellationError` if cancelled first). The timer lives
    /// in this loop: a task running here sleeps and wakes without the global timer thread
    /// (`Task.sleep` registers with dispatch's manager thread: two cross-thread wake-ups, which a
    /// deadline per RPC paid even when the call finished long before it).
    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        let token = waits.withLock { waits in
            defer { waits.nextToken += 1 }
            return waits.nextToken
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // On the loop itself (the usual case) the timeout is recomputed before it sleeps;
                // from elsewhere, wake it only if this deadline comes first.
                let onLoop = EventLoop.current === self
                var wake = false
                let cancelled = waits.withLock { waits -> Bool in
                    if Task.isCancelled { return true }
                    if !onLoop {
                        let earliest = min(waits.timers.lazy.map(\.deadline).min() ?? deadline, waits.sleepers.values.lazy.map(\.deadline).min() ?? deadline)
                        wake = deadline <= earliest
                    }
                    waits.sleepers[token] = (deadline, continuation)
                    return false
                }
                if cancelled { return continuation.resume(throwing: CancellationError()) }
                if wake { self.wakeLoop() }
            }
        } onCancel: {
            waits.withLock { $0.sleepers.removeValue(forKey: token) }?.continuation.resume(throwing: CancellationError())
        }
    }

    private func wakeLoop() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// Resumes expired waits with `WaitTimeout` (and due sleepers, in `due`); returns the
    /// milliseconds until the next deadline.
    func expireTimers(into expired: inout [CheckedContinuation<Void, any Error>],
                      due: inout [CheckedContinuation<Void, any Error>]) -> Int32? {
        waits.withLock { waits -> Int32? in
            guard !waits.timers.isEmpty || !waits.sleepers.isEmpty else { return nil }
            let now = ContinuousClock.now
            var next: ContinuousClock.Instant?
            for (token, sleeper) in waits.sleepers {
                if sleeper.deadline <= now {
                    due.append(sleeper.continuation)
                    waits.sleepers[token] = nil
                } else {
                    next = next.map { min($0, sleeper.deadline) } ?? sleeper.deadline
                }
            }
            waits.timers.removeAll { timer in
                guard var registration = waits.table[timer.fd] else { return true }
                let token = timer.forWrite ? registration.writerToken : registration.readerToken
                let parked = timer.forWrite ? registration.writer : registration.reader
                guard let parked, token == timer.token else { return true }
                if timer.deadline <= now {
                    expired.append(parked)
                    if timer.forWrite { registration.writer = nil } else { registration.reader = nil }
                    waits.table[timer.fd] = registration
                    return true
                }
                next = next.map { min($0, timer.deadline) } ?? timer.deadline
                return false
            }
            guard let next else { return nil }
            let left = next - now
            let ms = left.wholeMilliseconds + 1
            return Int32(clamping: max(1, ms))
        }
    }
}
