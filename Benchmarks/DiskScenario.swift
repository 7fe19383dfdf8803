import Foundation
import RPC
import Storage

/// `disk`: the machine's floor for a durable commit, next to what our write-ahead log achieves.
///
/// Raw cases (one thread, 4 KiB per commit, sequential offsets, each timed from write to the end
/// of `fdatasync`): plain appends that grow the file; overwrites of space that was only
/// `fallocate`d (what the log did before it wrote zeros ahead); overwrites of space written once
/// before (what the log's zeros written ahead give, `SegmentWriter+Prewrite`). Then the log's own
/// append + `sync(upTo:)`: of a 4 KiB record (one log, comparable with the raw rows: every commit
/// reaches a new disk block), and of a 100-byte record with 1, 2 and 3 logs committing at once on
/// the same disk (three replicas on one machine), closed loop, one writer per log.
enum DiskScenario {
    static let commitBytes = 4096
    static let fileBytes = 64 << 20

    static func run(options: BenchOptions) async throws -> [RunReport] {
        let directory = NSTemporaryDirectory() + "node-bench-disk-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var reports: [RunReport] = []
        for kind in RawKind.allCases {
            let progress = Progress(label: "disk \(kind.rawValue)")
            progress.note("measuring for \(options.duration)")
            let result = try await onThread { try raw(kind, path: "\(directory)/\(kind.rawValue)", duration: options.duration) }
            reports.append(RunReport(name: "disk raw \(kind.rawValue) 4KiB+fdatasync", concurrency: 1, result: result))
        }
        for (writers, bytes) in [(1, commitBytes), (1, 100), (2, 100), (3, 100)] {
            let logs = try (0..<writers).map { try WriteAheadLog.open(directory: "\(directory)/wal-\(bytes)-\(writers)-\($0)").0 }
            let record = [UInt8](repeating: 0x5A, count: bytes)
            let size = bytes == commitBytes ? "4KiB" : "\(bytes)B"
            let generator = LoadGenerator(concurrency: writers, warmup: options.warmup, duration: options.duration,
                                          progress: Progress(label: "disk wal \(size) writers=\(writers)"))
            let result = await generator.run { worker, _ in
                let log = logs[worker]
                try await log.sync(upTo: log.append(record))
            }
            for log in logs { log.close() }
            reports.append(RunReport(name: "disk wal \(size)+sync writers=\(writers)", concurrency: writers, result: result))
        }
        // Rows: append, fallocated, prewritten, then the log: 4 KiB with 1 writer, 100 B with 1, 2 and 3.
        let floor = Double(reports[2].result.histogram.percentile(50))
        let ours = Double(reports[3].result.histogram.percentile(50))
        reports[3].note = String(format: "one log's 4 KiB commit p50 is ×%.2f of a pre-written overwrite's (the floor)", ours / max(floor, 1))
        return reports
    }

    enum RawKind: String, CaseIterable {
        case append
        case fallocated
        case prewritten
    }

    /// Commits 4 KiB at a time for `duration` and records each commit's latency.
    static func raw(_ kind: RawKind, path: String, duration: Duration) throws -> LoadGenerator.Result {
        let flags: Int32 = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw BenchError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let block = [UInt8](repeating: 0xA5, count: commitBytes)
        switch kind {
        case .append:
            break
        case .fallocated:
            guard posix_fallocate(fd, 0, off_t(fileBytes)) == 0, fsync(fd) == 0 else { throw BenchError("cannot preallocate \(path)") }
        case .prewritten:
            let zeros = [UInt8](repeating: 0, count: 1 << 20)
            for offset in stride(from: 0, to: fileBytes, by: zeros.count) {
                guard pwrite(fd, zeros, zeros.count, off_t(offset)) == zeros.count else { throw BenchError("cannot pre-write \(path)") }
            }
            guard fsync(fd) == 0 else { throw BenchError("cannot sync \(path)") }
        }
        var result = LoadGenerator.Result()
        let started = ContinuousClock.now
        var offset = 0
        while ContinuousClock.now - started < duration {
            if offset + commitBytes > fileBytes {
                // Start over: appends on a fresh file, overwrites at the beginning of the same space.
                if kind == .append { guard ftruncate(fd, 0) == 0 else { throw BenchError("cannot truncate \(path)") } }
                offset = 0
            }
            let begin = ContinuousClock.now
            guard pwrite(fd, block, block.count, off_t(offset)) == block.count, fdatasync(fd) == 0 else {
                throw BenchError("write or fdatasync failed on \(path): \(String(cString: strerror(errno)))")
            }
            result.histogram.record(UInt64((ContinuousClock.now - begin).secondsValue * 1e9))
            offset += commitBytes
        }
        result.elapsed = ContinuousClock.now - started
        return result
    }

    /// Runs blocking file I/O on a thread of its own, not on the concurrency pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
