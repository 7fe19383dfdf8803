import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The segment files of one log directory: recovery, the open tail segment, rolling and snapshots.
///
/// Used by the flusher thread after `recover`; the tail sits behind a mutex that is never
/// contended (one owner), so no `@unchecked` is needed.
final class SegmentWriter: Sendable {
    static let magic = Array("NODEWAL1".utf8)
    static let snapshotName = "snapshot"

    let directory: String
    private let tail = Mutex(Tail())

    /// The open segment: its descriptor, index, logical size (where the next record goes) and
    /// allocated size (zeros past the logical end, preallocated so that an fsync after a write
    /// need not also record a new file size).
    struct Tail {
        var fd: Int32 = -1
        var index: UInt64 = 0
        /// The file's name, for error messages (made once, not per write).
        var name = ""
        var size = 0
        var allocated = 0
    }

    /// How much more space to preallocate each time the segment fills up.
    static let preallocationChunk = 4 << 20

    private init(directory: String) {
        self.directory = directory
    }

    var currentSize: Int { tail.withLock { $0.size } }
    private var current: Tail { tail.withLock { $0 } }

    static func segmentName(_ index: UInt64) -> String {
        "wal-" + String(repeating: "0", count: max(0, 16 - String(index).count)) + String(index) + ".log"
    }

    static func segmentIndex(_ name: String) -> UInt64? {
        guard name.hasPrefix("wal-"), name.hasSuffix(".log") else { return nil }
        return UInt64(name.dropFirst(4).dropLast(4))
    }

    /// Reads the snapshot and the segments, truncates a bad tail, opens the last segment for appending.
    static func recover(directory: String) throws(StorageError) -> (SegmentWriter, WriteAheadLog.Recovery) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var indices = names.compactMap(segmentIndex).sorted()
        var recovery = WriteAheadLog.Recovery(snapshot: nil, records: [], droppedBytes: 0, removedSegments: [])
        var firstSegment: UInt64 = 0
        let snapshotPath = directory + "/" + snapshotName
        if FileManager.default.fileExists(atPath: snapshotPath) {
            let bytes = try RecordFile.readAll(snapshotPath)
            let (records, end) = RecordFile.scan(bytes)
            guard records.count == 1, end == bytes.count, records[0].count >= 8 else {
                throw StorageError("recover", path: snapshotPath, reason: "the snapshot is corrupt; refusing to start without it")
            }
            firstSegment = records[0].prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            recovery.snapshot = Array(records[0].dropFirst(8))
        }
        for index in indices where index < firstSegment {
            unlink(directory + "/" + segmentName(index))
        }
        indices.removeAll { $0 < firstSegment }
        var corruptAt: Int?
        var lastValidEnd: Int?
        for (position, index) in indices.enumerated() {
            let path = directory + "/" + segmentName(index)
            let bytes = try RecordFile.readAll(path)
            let headerValid = bytes.count >= magic.count && Array(bytes[0..<magic.count]) == magic
            let (records, end) = headerValid ? RecordFile.scan(bytes, from: magic.count) : ([], 0)
            recovery.records.append(contentsOf: records)
            if headerValid, bytes[end...].allSatisfy({ $0 == 0 }) {
                // A preallocated tail: the clean end of what was written.
                if position == indices.count - 1 { lastValidEnd = end }
                continue
            }
            if end < bytes.count {
                recovery.droppedBytes += bytes.count - end
                guard truncate(path, off_t(end)) == 0 else {
                    throw StorageError("truncate", path: path, reason: String(cString: strerror(errno)))
                }
                corruptAt = position
                break
            }
        }
        if let corruptAt {
            for index in indices[(corruptAt + 1)...] {
                let name = segmentName(index)
                unlink(directory + "/" + name)
                recovery.removedSegments.append(name)
            }
            indices = Array(indices[...corruptAt])
        }
        let writer = SegmentWriter(directory: directory)
        if let last = indices.last {
            try writer.openSegment(last, create: false, validEnd: corruptAt == nil ? lastValidEnd : nil)
        } else {
            try writer.openSegment(max(firstSegment, 1), create: true)
        }
        return (writer, recovery)
    }

    /// Opens segment `index` for writing at `validEnd` (default: its end).
    private func openSegment(_ index: UInt64, create: Bool, validEnd: Int? = nil) throws(StorageError) {
        let path = directory + "/" + Self.segmentName(index)
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError("open", path: path, reason: String(cString: strerror(errno))) }
        let physical = Int(lseek(fd, 0, SEEK_END))
        var size = validEnd ?? physical
        if size < Self.magic.count {
            // New, or torn before its header was complete.
            _ = ftruncate(fd, 0)
            try RecordFile.writeAll(fd, Self.magic, at: 0, path: path)
            try RecordFile.fsync(fd, path: path)
            try RecordFile.fsyncDirectory(directory)
            size = Self.magic.count
        }
        tail.withLock { $0 = Tail(fd: fd, index: index, name: Self.segmentName(index), size: size, allocated: max(size, Int(lseek(fd, 0, SEEK_END)))) }
    }

    /// Writes `bytes` at the logical end, preallocating ahead when the segment is full (the
    /// space is made durable by a full fsync once per chunk, not once per write).
    func write(_ bytes: [UInt8]) throws(StorageError) {
        var open = current
        if open.size + bytes.count > open.allocated {
            let target = max(open.size + bytes.count, open.allocated + Self.preallocationChunk)
            // Where the file system cannot preallocate, writes simply extend the file.
            if posix_fallocate(open.fd, off_t(open.allocated), off_t(target - open.allocated)) == 0 {
                try RecordFile.fsync(open.fd, path: open.name)
                open.allocated = target
            }
        }
        try RecordFile.writeAll(open.fd, bytes, at: open.size, path: open.name)
        let written = bytes.count
        tail.withLock { tail in
            tail.size += written
            tail.allocated = max(open.allocated, tail.size)
        }
    }

    /// Makes what was written durable: `fdatasync`, which also records a new file size when the
    /// write went past the preallocated space.
    func sync() throws(StorageError) {
        let open = current
        try RecordFile.fdatasync(open.fd, path: open.name)
    }

    /// Closes the current segment and starts the next.
    func roll(durable: Bool) throws(StorageError) {
        if durable { try sync() }
        let next = current.index + 1
        close()
        try openSegment(next, create: true)
    }

    /// Makes `data` the snapshot: durable current segment, new segment, snapshot file pointing at
    /// it (written to a temporary file, fsynced, renamed), then older segments deleted.
    func installSnapshot(_ data: [UInt8]) throws(StorageError) {
        try sync()
        let previous = current.index
        close()
        try openSegment(previous + 1, create: true)
        let first = current.index
        var payload: [UInt8] = []
        withUnsafeBytes(of: first.littleEndian) { payload.append(contentsOf: $0) }
        payload.append(contentsOf: data)
        var framed: [UInt8] = []
        RecordFile.frame(payload, into: &framed)
        let temporary = directory + "/" + Self.snapshotName + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError("open", path: temporary, reason: String(cString: strerror(errno))) }
        defer { Glibc.close(fd) }
        try RecordFile.writeAll(fd, framed, path: temporary)
        try RecordFile.fsync(fd, path: temporary)
        guard rename(temporary, directory + "/" + Self.snapshotName) == 0 else {
            throw StorageError("rename", path: temporary, reason: String(cString: strerror(errno)))
        }
        try RecordFile.fsyncDirectory(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names {
            if let index = Self.segmentIndex(name), index < first { unlink(directory + "/" + name) }
        }
    }

    /// Closes the segment, first cutting off its preallocated zeros (a crash instead leaves them,
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
