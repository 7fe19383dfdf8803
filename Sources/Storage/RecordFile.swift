#if canImport(Glibc)
import Glibc
#endif

/// Reading and writing files made of checksummed records: `length(u32 LE) crc32c(u32 LE) payload`.
///
/// Guarantees: `scan` returns the longest valid prefix of records and where it ends; anything after
/// (a torn write, flipped bits, garbage) is reported, never returned as data.
enum RecordFile {
    static let headerBytes = 8
    static let maxRecordBytes = 256 * 1024 * 1024

    static func frame(_ payload: [UInt8], into out: inout [UInt8]) {
        let length = UInt32(payload.count)
        let crc = CRC32C.checksum(payload)
        withUnsafeBytes(of: length.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: crc.littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: payload)
    }

    /// The valid records at the start of `bytes` and the offset where validity ends.
    static func scan(_ bytes: [UInt8], from start: Int = 0) -> (records: [[UInt8]], validEnd: Int) {
        var records: [[UInt8]] = []
        var offset = start
        while bytes.count - offset >= headerBytes {
            let length = Int(readUInt32(bytes, offset))
            let crc = readUInt32(bytes, offset + 4)
            // Records are never empty: a zero header is the zero-filled space after the last one.
            guard length > 0, length <= maxRecordBytes, bytes.count - offset - headerBytes >= length else { break }
            let payloadStart = offset + headerBytes
            let valid = bytes.withUnsafeBytes { raw in
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[payloadStart..<(payloadStart + length)])) == crc
            }
            guard valid else { break }
            records.append(Array(bytes[payloadStart..<(payloadStart + length)]))
            offset = payloadStart + length
        }
        return (records, offset)
    }

    static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    static func readAll(_ path: String) throws(StorageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError("open", path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError("read", path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Writes all of `bytes` at file offset `position` (nil: at the file's position), retrying
    /// short writes; a result, for use inside `withUnsafeBytes`. The one write loop of the log.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at position: Int? = nil, path: String) -> Result<Void, StorageError> {
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let n = position.map { pwrite(fd, base + offset, bytes.count - offset, off_t($0 + offset)) } ?? write(fd, base + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n == 0 ? "wrote nothing" : String(cString: strerror(errno))
                return .failure(StorageError("write", path: path, reason: reason))
            }
            offset += n
        }
        return .success(())
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StorageError) {
        try bytes.withUnsafeBytes { writeAll(fd, $0, path: path) }.get()
    }

    /// Writes all of `bytes` at file offset `position`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], at position: Int, path: String) throws(StorageError) {
        try bytes.withUnsafeBytes { writeAll(fd, $0, at: position, path: path) }.get()
    }

    static func fsync(_ fd: Int32, path: String) throws(StorageError) {
        guard Glibc.fsync(fd) == 0 else { throw StorageError("fsync", path: path, reason: String(cString: strerror(errno))) }
    }

    static func fdatasync(_ fd: Int32, path: String) throws(StorageError) {
        guard Glibc.fdatasync(fd) == 0 else { throw StorageError("fdatasync", path: path, reason: String(cString: strerror(errno))) }
    }

    /// fsyncs a directory so that created, renamed or removed entries are durable.
    static func fsyncDirectory(_ path: String) throws(StorageError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError("open", path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try fsync(fd, path: path)
    }
}
