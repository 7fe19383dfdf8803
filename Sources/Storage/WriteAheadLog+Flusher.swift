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
    /// when nothing is queued, and while a failed write waits for its retry (`retrying` is the
    /// flusher thread's retry).
    public func flushPending() { flushPending(retrying: false) }

    func flushPending(retrying: Bool) {
        var retrying = retrying
        while true {
            let batch = state.withLock { state -> [(lsn: UInt64, item: Item)]? in
                guard !state.flushing, !state.closed, state.failure == nil, !state.pending.isEmpty,
                      state.writeError == nil || retrying else { return nil }
                state.flushing = true
                let taken = state.pending
                state.pending.removeAll(keepingCapacity: true)
                return taken
            }
            guard let batch else { return }
            let result = Result<(Int, Int), StorageError> { () throws(StorageError) -> (Int, Int) in
                if retrying { try segments.reopen() }
                return try write(batch)
            }
            retrying = false
            let ready = state.withLock { state -> [(wake: Wake, error: StorageError?)] in
                state.flushing = false
                var failed: StorageError?
                switch result {
                case .success(let (fsyncs, writes)):
                    state.fsyncs += fsyncs
                    state.writes += writes
                    state.durableLSN = batch.last?.lsn ?? state.durableLSN
                    state.writeError = nil
                case .failure(let error):
                    // Keep the records, in order, for the retry; whoever waits hears now.
                    state.pending.insert(contentsOf: batch, at: 0)
                    state.writeError = error
                    state.writeErrors += 1
                    failed = error
                }
                var ready: [(Wake, StorageError?)] = []
                state.waiters.removeAll { waiter in
                    if let failed {
                        ready.append((waiter.wake, failed))
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
            if case .failure = result {
                // The flusher thread owns retries (an event loop must not sit in them).
                wakeFlusher()
                return
            }
            // The flusher thread also writes zeros ahead (an event loop must not sit in that either).
            if options.fsync != .never, segments.wantsPrewrite { wakeFlusher() }
        }
    }

    func wakeFlusher() {
        let wake = state.withLock { state -> Bool in
            defer { state.flusherIdle = false }
            return state.flusherIdle
        }
        if wake { wakeup.signal() }
    }

    /// The flusher thread: flush what is queued, sleep until woken, repeat until closed.
    func flushLoop() {
        enum Next { case sleep, again, stop, retry }
        while true {
            flushPending()
            prewriteAhead()
            let next = state.withLock { state -> Next in
                if state.failure != nil { return .stop }
                if state.writeError != nil, !state.closing { return .retry }
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
            case .retry:
                // Wait (close cuts it short), then write what failed again from memory.
                state.withLock { $0.flusherIdle = true }
                let window = options.retryInterval.components
                _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(window.seconds * 1_000_000_000 + window.attoseconds / 1_000_000_000)))
                state.withLock { $0.flusherIdle = false }
                flushPending(retrying: true)
                continue
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

    /// Writes zeros ahead of the log's end when they run low (`SegmentWriter+Prewrite`), as the
    /// flushing thread between batches: appends queued meanwhile wait for it (≈ 1 ms once per
    /// MiB of log), and are drained by this thread afterwards. A failure (a full disk) is only
    /// counted: the batches then extend the file themselves, and report the error if they fail.
    func prewriteAhead() {
        guard options.fsync != .never, segments.wantsPrewrite else { return }
        let owns = state.withLock { state -> Bool in
            guard !state.flushing, !state.closed, state.failure == nil, state.writeError == nil else { return false }
            state.flushing = true
            return true
        }
        guard owns else { return }
        let failed: Bool
        do {
            try segments.prewrite()
            failed = false
        } catch {
            failed = true
        }
        state.withLock { state in
            state.flushing = false
            if failed { state.prewriteErrors += 1 } else { state.prewrites += 1 }
        }
    }

    /// Writes a snapshot's bytes off the flushing thread, one snapshot after the other: a large
    /// snapshot (tens of megabytes) does not hold back the appends behind it.
    func writeSnapshotInBackground(_ parts: [[UInt8]], firstSegment: UInt64, nextLSN: UInt64) {
        let directory = self.directory
        snapshotWrites.enter()
        snapshotQueue.async {
            defer { self.snapshotWrites.leave() }
            do {
                try SegmentWriter.writeSnapshot(directory: directory, parts: parts, firstSegment: firstSegment, nextLSN: nextLSN)
            } catch {
                // The segments it would have replaced stay: recovery replays them instead.
                self.state.withLock { $0.snapshotErrors += 1 }
            }
        }
    }

    /// Writes one batch in queue order, as few `SegmentWriter` batches as the snapshots in it
    /// allow; returns (fsyncs, writes) performed. Items a failed attempt already made durable
    /// (LSNs before the writer's) are skipped.
    private func write(_ batch: [(lsn: UInt64, item: Item)]) throws(StorageError) -> (Int, Int) {
        var records: [[UInt8]] = []
        var firstLSN: UInt64 = 0
        var fsyncs = 0
        var writes = 0
        let done = segments.nextLSN
        for (lsn, item) in batch where lsn >= done {
            switch item {
            case .record(let payload):
                if records.isEmpty { firstLSN = lsn }
                records.append(payload)
            case .snapshot(let parts):
                if !records.isEmpty {
                    try segments.write(records, firstLSN: firstLSN)
                    writes += 1
                    records.removeAll()
                }
                let first = try segments.rollForSnapshot(lsn: lsn)
                writeSnapshotInBackground(parts, firstSegment: first, nextLSN: lsn + 1)
                fsyncs += 1
            }
        }
        if !records.isEmpty {
            try segments.write(records, firstLSN: firstLSN)
            figures.recordWrite(bytes: records.reduce(0) { $0 + $1.count })
            writes += 1
            if options.fsync != .never {
                let started = ContinuousClock.now
                try segments.sync()
                let elapsed = ContinuousClock.now - started
                figures.recordSync(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                fsyncs += 1
            }
        }
        segments.markCommitted()
        if segments.currentSize > options.segmentBytes {
            try segments.roll(durable: options.fsync != .never)
        }
        return (fsyncs, writes)
    }
}
