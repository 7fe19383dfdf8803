import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension WriteAheadLog {
    /// Event loops call this after each iteration. `mayBlock` (the loop was about to sleep) and
    /// someone waits for durability and lets the loop flush: flush on this thread. Otherwise (the
    /// loop has more work, or no waiter needs the loop to block): hand what is queued to the
    /// flusher thread, so the fsync overlaps with what the loop does next.
    public func flushPending(mayBlock: Bool) {
        // Appends this thread made woke the flusher themselves (`.batch` keeps its window).
        guard callerFlushes else { return }
        let (inline, wake) = state.withLock { state -> (Bool, Bool) in
            if mayBlock, state.waiters.contains(where: \.inline) {
                state.inlineFlushes += 1
                return (true, false)
            }
            guard !state.pending.isEmpty, state.flusherIdle else { return (false, false) }
            state.flusherIdle = false
            return (false, true)
        }
        if inline { return flushPending() }
        if wake { wakeup.signal() }
    }

    /// Writes and fsyncs everything queued, on the calling thread, unless another thread is
    /// already doing so (that thread then drains what was queued meanwhile). It returns at once
    /// when nothing is queued.
    public func flushPending() {
        while true {
            let batch = state.withLock { state -> [(lsn: UInt64, item: Item)]? in
                guard !state.flushing, !state.closed, state.failure == nil, !state.pending.isEmpty else { return nil }
                state.flushing = true
                let taken = state.pending
                state.pending.removeAll(keepingCapacity: true)
                return taken
            }
            guard let batch else { return }
            let result = Result<(Int, Int), StorageError> { () throws(StorageError) -> (Int, Int) in try write(batch) }
            let ready = state.withLock { state -> [(wake: Wake, error: StorageError?)] in
                state.flushing = false
                switch result {
                case .success(let (fsyncs, writes)):
                    state.fsyncs += fsyncs
                    state.writes += writes
                    state.durableLSN = batch.last?.lsn ?? state.durableLSN
                case .failure(let error):
                    state.failure = error
                }
                var ready: [(Wake, StorageError?)] = []
                state.waiters.removeAll { waiter in
                    if let failure = state.failure {
                        ready.append((waiter.wake, failure))
                        return true
                    }
                    if waiter.lsn <= state.durableLSN {
                        ready.append((waiter.wake, nil))
                        return true
                    }
                    return false
                }
                return ready
            }
            for (wake, error) in ready { wake.fire(error) }
            if case .failure = result { return }
        }
    }

    /// The flusher thread: flush what is queued, sleep until woken, repeat until closed.
    func flushLoop() {
        enum Next { case sleep, again, stop }
        while true {
            flushPending()
            let next = state.withLock { state -> Next in
                if state.failure != nil { return .stop }
                if state.flushing && state.closing { return .again }
                // Another thread is flushing: it drains what is queued, so sleep.
                if !state.flushing && !state.pending.isEmpty { return .again }
                if state.closing {
                    state.closed = true
                    return .stop
                }
                state.flusherIdle = true
                return .sleep
            }
            switch next {
            case .stop:
                break
            case .again:
                // Closing while an event loop finishes its batch: wait for it, then drain.
                if state.withLock({ $0.flushing }) { usleep(50) }
                continue
            case .sleep:
                wakeup.wait()
                if options.fsync == .batch {
                    let window = options.batchWindow.components
                    usleep(UInt32(window.seconds * 1_000_000 + window.attoseconds / 1_000_000_000_000))
                }
                continue
            }
            break
        }
        // Fail anything still queued or waiting (closed or broken log).
        let leftovers = state.withLock { state -> [Wake] in
            state.closed = true
            if state.failure == nil { state.failure = StorageError("append", path: directory, reason: "the log is closed") }
            defer { state.waiters.removeAll() }
            return state.waiters.map(\.wake)
        }
        let failure = state.withLock { $0.failure }
        for wake in leftovers { wake.fire(failure ?? StorageError("append", path: directory, reason: "closed")) }
        // No one else flushes once `closed` is set, but one may still be finishing: wait it out.
        while state.withLock({ $0.flushing }) { usleep(50) }
        segments.close()
        stopped.signal()
    }

    /// Writes one batch in queue order; returns (fsyncs, writes) performed.
    private func write(_ batch: [(lsn: UInt64, item: Item)]) throws(StorageError) -> (Int, Int) {
        var buffer: [UInt8] = []
        var fsyncs = 0
        var writes = 0
        for (_, item) in batch {
            switch item {
            case .record(let payload):
                RecordFile.frame(payload, into: &buffer)
            case .snapshot(let data):
                if !buffer.isEmpty {
                    try segments.write(buffer)
                    writes += 1
                    buffer.removeAll()
                }
                try segments.installSnapshot(data)
                fsyncs += 2
            }
        }
        if !buffer.isEmpty {
            try segments.write(buffer)
            writes += 1
            if options.fsync != .never {
                try segments.sync()
                fsyncs += 1
            }
        }
        if segments.currentSize > options.segmentBytes {
            try segments.roll(durable: options.fsync != .never)
        }
        return (fsyncs, writes)
    }
}
