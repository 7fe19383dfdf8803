import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The segment files of one log directory: the open tail segment, batches, rolling and
/// snapshots (the layout is `SegmentFormat`'s; recovery is in `SegmentWriter+Recovery`).
///
/// Used by one flushing thread at a time after `recover`; the tail sits behind a mutex that is
/// never contended (one owner), so no `@unchecked` is needed.
/// Guarantees: batches are written at the logical end with consecutive LSNs; a new segment's
/// header is durable (file and directory) before anything is written to it; a segment is sealed
/// only after the next one exists; a failed write leaves nothing behind that recovery could
/// take for data once `reopen()` has cut the file back to its logical end.
final class SegmentWriter: Sendable {
    static let snapshotName = "snapshot"

    let directory: String
    let tail = Mutex(Tail())

    /// The open segment: its descriptor, index, logical size (where the next batch goes),
    /// allocated size (zeros past the logical end, written and synced ahead of time so that a
    /// batch overwrites space the file system already holds as written: see
    /// `SegmentWriter+Prewrite`) and the LSN the next batch starts at.
    struct Tail {
        var fd: Int32 = -1
        var index: UInt64 = 0
        /// The file's name, for error messages (made once, not per write).
        var name = ""
        var size = 0
        var allocated = 0
        var nextLSN: UInt64 = 1
        /// The end of what is known durable (synced, or written under `.never`), where a retry
        /// after a failure starts again.
        var committedSize = 0
        var committedLSN: UInt64 = 1
        /// No pre-writing before the logical size reaches this (after a failed attempt).
        var prewriteAfter = 0
    }

    init(directory: String) {
        self.directory = directory
    }

    var currentSize: Int { tail.withLock { $0.size } }
    var nextLSN: UInt64 { tail.withLock { $0.nextLSN } }
    var current: Tail { tail.withLock { $0 } }

    static func segmentName(_ index: UInt64) -> String {
        "wal-" + String(repeating: "0", count: max(0, 16 - String(index).count)) + String(index) + ".log"
    }

    static func segmentIndex(_ name: String) -> UInt64? {
        guard name.hasPrefix("wal-"), name.hasSuffix(".log") else { return nil }
        return UInt64(name.dropFirst(4).dropLast(4))
    }

    /// Creates segment `index` (whose first batch starts at `firstLSN`, `skipped` LSNs after the
    /// previous segment's end) and makes it the tail.
    func create(_ index: UInt64, firstLSN: UInt64, skipped: UInt32 = 0) throws(StorageError) {
        let path = directory + "/" + Self.segmentName(index)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError("open", path: path, reason: String(cString: strerror(errno))) }
        do throws(StorageError) {
            try RecordFile.writeAll(fd, SegmentFormat.header(.init(index: index, firstLSN: firstLSN, skipped: skipped)), at: 0, path: path)
            try RecordFile.fsync(fd, path: path)
            try RecordFile.fsyncDirectory(directory)
        } catch {
            Glibc.close(fd)
            throw error
        }
        let name = Self.segmentName(index)
        let size = SegmentFormat.headerBytes
        tail.withLock {
            $0 = Tail(fd: fd, index: index, name: name, size: size, allocated: size, nextLSN: firstLSN, committedSize: size, committedLSN: firstLSN)
        }
    }

    /// Opens existing segment `index` for appending at `validEnd` (past it: zeros or nothing).
    func open(_ index: UInt64, validEnd: Int, nextLSN: UInt64) throws(StorageError) {
        guard validEnd >= SegmentFormat.headerBytes else { return try create(index, firstLSN: nextLSN) }
        let path = directory + "/" + Self.segmentName(index)
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError("open", path: path, reason: String(cString: strerror(errno))) }
        let physical = Int(lseek(fd, 0, SEEK_END))
        let name = Self.segmentName(index)
        tail.withLock {
            $0 = Tail(fd: fd, index: index, name: name, size: validEnd, allocated: max(validEnd, physical), nextLSN: nextLSN,
                      committedSize: validEnd, committedLSN: nextLSN)
        }
    }

    /// Writes one batch of `records` (LSNs from `firstLSN`, which must continue the log) at the
    /// logical end: into pre-written space when there is enough (`prewrite()`), otherwise
    /// extending the file (the sync then also records the new size).
    func write(_ records: some Collection<[UInt8]>, firstLSN: UInt64) throws(StorageError) {
        let open = current
        precondition(firstLSN == open.nextLSN, "write-ahead log batches must continue the log")
        var bytes: [UInt8] = []
        SegmentFormat.appendBatch(records, firstLSN: firstLSN, to: &bytes)
        try RecordFile.writeAll(open.fd, bytes, at: open.size, path: open.name)
        let written = bytes.count
        let count = UInt64(records.count)
        tail.withLock { tail in
            tail.size += written
            tail.allocated = max(open.allocated, tail.size)
            tail.nextLSN += count
        }
    }

    /// Makes what was written durable: `fdatasync`, which also records a new file size when the
    /// write went past the pre-written space.
    func sync() throws(StorageError) {
        let open = current
        try RecordFile.fdatasync(open.fd, path: open.name)
    }

    /// What was written so far is durable (after `sync`, or after a write under `.never`).
    func markCommitted() {
        tail.withLock { tail in
            tail.committedSize = tail.size
            tail.committedLSN = tail.nextLSN
        }
    }

    /// After a failed write or sync: a fresh descriptor and the file cut back to what was
    /// committed, so everything after it is written again from memory. (After a failed fsync the
    /// kernel may have dropped the dirty pages; writing them again is the only safe retry.)
    func reopen() throws(StorageError) {
        let old = current
        if old.fd >= 0 { Glibc.close(old.fd) }
        let path = directory + "/" + old.name
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            tail.withLock { $0.fd = -1 }
            throw StorageError("open", path: path, reason: String(cString: strerror(errno)))
        }
        guard ftruncate(fd, off_t(old.committedSize)) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            tail.withLock { $0.fd = -1 }
            throw StorageError("truncate", path: path, reason: reason)
        }
        tail.withLock { tail in
            tail.fd = fd
            tail.size = tail.committedSize
            tail.nextLSN = tail.committedLSN
            tail.allocated = tail.size
        }
    }

    /// Closes the current segment and continues in the next: the next is created (durably)
    /// first, then the current one is sealed, so a seal always promises a segment that exists.
    func roll(durable: Bool) throws(StorageError) {
        if durable { try sync() }
        let old = current
        try create(old.index + 1, firstLSN: old.nextLSN)
        defer { Glibc.close(old.fd) }
        try RecordFile.writeAll(old.fd, SegmentFormat.seal(nextLSN: old.nextLSN), at: old.size, path: old.name)
        if durable { try RecordFile.fdatasync(old.fd, path: old.name) }
        _ = ftruncate(old.fd, off_t(old.size + SegmentFormat.batchHeaderBytes))
    }

    /// Starts a snapshot at LSN `lsn` (its state is everything before `lsn`): the current segment
    /// is made durable and closed, and appending continues in a new segment that starts at
    /// `lsn + 1` (its header says it skips `lsn`, so the segments chain with or without the
    /// snapshot file). Returns that segment's index, for `writeSnapshot`. Fast: the snapshot's
    /// bytes are written elsewhere, while appends go on.
    func rollForSnapshot(lsn: UInt64) throws(StorageError) -> UInt64 {
        try sync()
        let old = current
        precondition(lsn == old.nextLSN, "a snapshot must follow every record before it")
        try create(old.index + 1, firstLSN: lsn + 1, skipped: 1)
        _ = ftruncate(old.fd, off_t(old.size))
        Glibc.close(old.fd)
        return old.index + 1
    }

    /// Makes `data` the snapshot of everything before segment `firstSegment` (which starts at
    /// `nextLSN`): written to a temporary file, fsynced, renamed, then the segments before it
    /// deleted. Until the rename, recovery replays those segments as if no snapshot were taken.
    static func writeSnapshot(directory: String, parts: [[UInt8]], firstSegment: UInt64, nextLSN: UInt64) throws(StorageError) {
        // One record, written piece by piece: the image (tens of MB) is never copied again here.
        let pieces = [snapshotHeader(firstSegment: firstSegment, nextLSN: nextLSN)] + parts
        let length = pieces.reduce(0) { $0 + $1.count }
        guard length <= RecordFile.maxRecordBytes else {
            throw StorageError("snapshot", path: directory, reason: "a snapshot of \(length) bytes exceeds the record limit")
        }
        let crc = pieces.reduce(UInt32(0)) { crc, piece in piece.withUnsafeBytes { CRC32C.checksum($0, seed: crc) } }
        var frame: [UInt8] = []
        withUnsafeBytes(of: UInt32(length).littleEndian) { frame.append(contentsOf: $0) }
        withUnsafeBytes(of: crc.littleEndian) { frame.append(contentsOf: $0) }
        let temporary = directory + "/" + snapshotName + ".tmp"
        try writeFile(temporary, [frame] + pieces, syncEvery: 2 << 20)
        guard rename(temporary, directory + "/" + snapshotName) == 0 else {
            throw StorageError("rename", path: temporary, reason: String(cString: strerror(errno)))
        }
        try RecordFile.fsyncDirectory(directory)
        for index in listSegments(directory) where index < firstSegment { unlink(directory + "/" + segmentName(index)) }
    }

    /// Closes the segment, first cutting off its pre-written zeros (a crash instead leaves them,
    /// which recovery recognises as the clean end).
    func close() {
        tail.withLock { tail in
            if tail.fd >= 0 {
                _ = ftruncate(tail.fd, off_t(tail.size))
                Glibc.close(tail.fd)
            }
            tail.fd = -1
        }
    }
}
