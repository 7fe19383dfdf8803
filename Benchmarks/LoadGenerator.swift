import Foundation
import RPC
import Synchronization

/// Closed-loop load: `concurrency` workers each issue the next operation as soon as the previous
/// one completes, for a warm-up and then a measured duration.
struct LoadGenerator {
    struct Result: Sendable {
        var histogram = LatencyHistogram()
        var errors: [String: Int] = [:]
        /// One failure's text per error code, the first a worker saw (the table only counts them).
        var firstErrors: [String: String] = [:]
        var elapsed: Duration = .zero
        /// CPU seconds the benchmark's server processes used while measuring (nil: not known).
        var serverCPU: Double?
        /// Server CPU per completed operation, in microseconds.
        var serverCPUPerOperation: Double? {
            guard let serverCPU, histogram.total > 0 else { return nil }
            return serverCPU / Double(histogram.total) * 1e6
        }
        var throughput: Double { Double(histogram.total) / Self.seconds(elapsed) }
        static func seconds(_ duration: Duration) -> Double { duration.secondsValue }
    }

    let concurrency: Int
    let warmup: Duration
    let duration: Duration
    let progress: Progress?
    /// Open loop: operations are due at this total rate (per second) whether or not earlier ones
    /// finished, and latency counts from when each was due (no coordinated omission). Nil: closed loop.
    var rate: Double? = nil

    /// Runs `operation(worker, sequence)` in a loop on each worker; its duration is recorded unless it throws.
    func run(_ operation: @escaping @Sendable (Int, Int) async throws -> Void) async -> Result {
        let flags = LoadFlags()
        let start = ContinuousClock.now
        let results = await withTaskGroup(of: Result.self) { group -> [Result] in
            for worker in 0..<concurrency {
                group.addTask(executorPreference: EventLoop.next()) { [rate] in
                    var result = Result()
                    var sequence = 0
                    while !flags.done.load(ordering: .relaxed) {
                        var began = ContinuousClock.now
                        if let rate {
                            // Take the next due slot; wait for it; measure from when it was due.
                            let slot = flags.slots.add(1, ordering: .relaxed).oldValue
                            let due = start + .nanoseconds(Int64(Double(slot) / rate * 1e9))
                            if due > began { try? await Task.sleep(until: due, clock: .continuous) }
                            began = due
                        }
                        do {
                            try await operation(worker, sequence)
                            if flags.measuring.load(ordering: .relaxed) {
                                let elapsed = ContinuousClock.now - began
                                result.histogram.record(UInt64(max(0, elapsed.components.attoseconds / 1_000_000_000 + elapsed.components.seconds * 1_000_000_000)))
                                flags.completed.add(1, ordering: .relaxed)
                            }
                        } catch {
                            if flags.measuring.load(ordering: .relaxed) {
                                let code = (error as? ConnectError)?.code.wireName ?? "client_error"
                                result.errors[code, default: 0] += 1
                                if result.firstErrors[code] == nil { result.firstErrors[code] = "\(error)" }
                                flags.failed.add(1, ordering: .relaxed)
                            }
                        }
                        sequence += 1
                    }
                    return result
                }
            }
            try? await Task.sleep(for: warmup)
            flags.measuring.store(true, ordering: .relaxed)
            let cpuAtStart = ClusterRegistry.shared.cpuSeconds()
            let measureStart = ContinuousClock.now
            while ContinuousClock.now - measureStart < duration {
                try? await Task.sleep(for: .milliseconds(250))
                progress?.update(elapsed: ContinuousClock.now - measureStart, ops: flags.completed.load(ordering: .relaxed),
                                 errors: flags.failed.load(ordering: .relaxed))
            }
            flags.measuring.store(false, ordering: .relaxed)
            let measured = ContinuousClock.now - measureStart
            let cpuAtEnd = ClusterRegistry.shared.cpuSeconds()
            flags.done.store(true, ordering: .relaxed)
            var all: [Result] = []
            for await result in group { all.append(result) }
            var first = all.first ?? Result()
            first.elapsed = measured
            if let cpuAtStart, let cpuAtEnd { first.serverCPU = max(0, cpuAtEnd - cpuAtStart) }
            all[0] = first
            return all
        }
        var merged = Result()
        for result in results {
            merged.histogram.merge(result.histogram)
            merged.errors.merge(result.errors, uniquingKeysWith: +)
            merged.firstErrors.merge(result.firstErrors) { kept, _ in kept }
        }
        merged.elapsed = results.first?.elapsed ?? ContinuousClock.now - start
        merged.serverCPU = results.first?.serverCPU
        progress?.finish()
        return merged
    }
}

/// Progress on stderr, so a long run is never silent: on a terminal one line rewritten in place
/// (4 times a second); otherwise (a log file, CI) a full line at most every `quietInterval`.
final class Progress: Sendable {
    static let quietInterval: Duration = .seconds(5)
    let label: String
    let terminal = isatty(2) == 1
    private let lastLine = Mutex<ContinuousClock.Instant?>(nil)

    init(label: String) { self.label = label }

    func update(elapsed: Duration, ops: Int, errors: Int) {
        let seconds = LoadGenerator.Result.seconds(elapsed)
        let text = String(format: "%@  %5.1fs  %9d ops  %9.0f ops/s  %d errors", label, seconds, ops, Double(ops) / max(seconds, 0.001), errors)
        if terminal {
            FileHandle.standardError.write(Data(("\r" + text + "   ").utf8))
            return
        }
        let now = ContinuousClock.now
        let due = lastLine.withLock { last -> Bool in
            guard last.map({ now - $0 >= Self.quietInterval }) ?? true else { return false }
            last = now
            return true
        }
        if due { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// A line of its own (a phase starting), on a terminal or not.
    func note(_ text: String) {
        FileHandle.standardError.write(Data(((terminal ? "\r\u{1b}[K" : "") + "\(label): \(text)\n").utf8))
    }

    func finish() {
        guard terminal else { return }
        FileHandle.standardError.write(Data("\r\u{1b}[K".utf8))
    }
}

/// Flags shared by the load workers and the coordinator.
final class LoadFlags: Sendable {
    let measuring = Atomic<Bool>(false)
    let done = Atomic<Bool>(false)
    let completed = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let slots = Atomic<Int>(0)
}
