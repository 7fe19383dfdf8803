import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a data directory, held for the life of the process (`flock` on `DIR/LOCK`).
///
/// Guarantees: a second process (or a second lock in this one) cannot take it while it is held;
/// the kernel releases it when the process dies, even by `kill -9`.
public final class DirectoryLock: Sendable {
    public let directory: String
    private let fd: Mutex<Int32>

    public init(directory: String) throws(StorageError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StorageError("create", path: directory, reason: "\(error.localizedDescription)")
        }
        let path = directory + "/LOCK"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError("open", path: path, reason: String(cString: strerror(errno))) }
        // Retry briefly: a process that just exited, or a child forked but not yet exec'd (which
        // shares the descriptor), may still hold the lock for a moment.
        var attempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 && attempts < 40 {
            attempts += 1
            usleep(25_000)
        }
        guard attempts < 40 else {
            let holder = (try? RecordFile.readAll(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            close(fd)
            throw StorageError("lock", path: directory,
                               reason: "the data directory is in use by another process\(holder.isEmpty ? "" : " (pid \(holder))")")
        }
        _ = ftruncate(fd, 0)
        let pid = Array("\(getpid())".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.directory = directory
        self.fd = Mutex(fd)
    }

    /// Releases the lock (idempotent); also done when the lock is deallocated.
    public func release() {
        fd.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    deinit { release() }
}
