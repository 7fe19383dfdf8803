import CNodeSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension EventLoop {
    /// The loop thread: run queued jobs, expire socket deadlines, run idle hooks, wait in epoll.
    func run() {
        var events = [cnode_event](repeating: cnode_event(), count: 256)
        var batch: [UnownedJob] = []
        batch.reserveCapacity(256)
        let taskExecutor = asUnownedTaskExecutor()
        let serialExecutor = asUnownedSerialExecutor()
        while true {
            // Run everything queued, including jobs the jobs enqueue, before polling again.
            while true {
                jobs.withLock { jobs in swap(&jobs.queue, &batch) }
                if batch.isEmpty { break }
                for job in batch { job.runSynchronously(isolatedTo: serialExecutor, taskExecutor: taskExecutor) }
                batch.removeAll(keepingCapacity: true)
            }
            var expired: [CheckedContinuation<Void, any Error>] = []
            var due: [CheckedContinuation<Void, any Error>] = []
            let timerTimeout = expireTimers(into: &expired, due: &due)
            for continuation in expired { continuation.resume(throwing: WaitTimeout()) }
            for continuation in due { continuation.resume() }
            if !expired.isEmpty || !due.isEmpty { continue }
            // Sockets already ready mean a busy loop: hooks must not block it.
            let ready = poll(&events, timeout: 0)
            let hooks = idleHooks.withLock { $0 }
            if ready > 0 {
                for hook in hooks { hook(true) }
                continue
            }
            for hook in hooks { hook(false) }
            // Sleep in epoll only if no job arrived since the queue was drained.
            let timeout: Int32 = jobs.withLock { jobs in
                if jobs.queue.isEmpty {
                    jobs.sleeping = true
                    return timerTimeout ?? -1
                }
                return 0
            }
            _ = poll(&events, timeout: timeout)
            jobs.withLock { $0.sleeping = false }
        }
    }

    /// Waits up to `timeout` ms for socket events and resumes their waiters; returns how many.
    func poll(_ events: inout [cnode_event], timeout: Int32) -> Int {
        let n = events.withUnsafeMutableBufferPointer {
            cnode_epoll_wait(epollFD, $0.baseAddress, Int32($0.count), timeout)
        }
        if n < 0 {
            if errno == EINTR { return 0 }
            fatalError("epoll_wait failed: \(SocketError.last("epoll_wait"))")
        }
        var toResume: [CheckedContinuation<Void, any Error>] = []
        waits.withLock { waits in
            for event in events[0..<Int(n)] where event.fd != wakeFD {
                guard var registration = waits.table[event.fd] else { continue }
                if event.hangup != 0 { registration.peerClosed = true }
                if event.readable != 0, let reader = registration.ready(forWrite: false) { toResume.append(reader) }
                if event.writable != 0, let writer = registration.ready(forWrite: true) { toResume.append(writer) }
                waits.table[event.fd] = registration
            }
        }
        for event in events[0..<Int(n)] where event.fd == wakeFD {
            var value: UInt64 = 0
            _ = Glibc.read(wakeFD, &value, 8)
        }
        for continuation in toResume { continuation.resume() }
        return Int(n)
    }
}
