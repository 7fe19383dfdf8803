/// The byte layout of write-ahead log segments (format 2). Pure: encoding and decoding only.
///
/// A segment is a header, then batches, then zeros (space written ahead for later batches: `SegmentWriter+Prewrite`):
///
///     header (32 B): "NODEWAL2" · index u64 · firstLSN u64 · skipped u32 · crc32c of the first 28 bytes
///     batch:  kind u32 · payload length u32 · firstLSN u64 · count u32 · payload crc32c u32 ·
///             crc32c of the first 24 header bytes (28 B in all) · payload
///     payload: count × (length u32 · record bytes)
///
/// Every integer is little-endian. One batch is what one flush wrote with one `pwrite` (and then
/// synced), so a crash can tear at most the last batch of the newest segment. Record LSNs are
/// consecutive across the whole log: a batch's `firstLSN` continues where the one before it ended,
/// and a segment's header names the LSN its first batch must start at, so a missing batch or
/// segment shows as a gap (`skipped`: LSNs between the previous segment's last record and this
/// one's first, 1 where a snapshot took an LSN of its own). A `seal` batch (no payload) ends a segment: the next one (`index + 1`,
/// starting at the seal's `firstLSN`) must exist, so even a deleted newest segment is noticed.
enum SegmentFormat {
    static let magic: [UInt8] = Array("NODEWAL2".utf8)
    /// Format 1 (records without batches or LSNs): recognised only to refuse it clearly.
    static let legacyMagic: [UInt8] = Array("NODEWAL1".utf8)
    static let headerBytes = 32
    static let batchHeaderBytes = 28
    static let maxBatchBytes = 1 << 30
    /// Writes reach the disk in whole sectors of at least this size (what torn-write detection assumes).
    static let sectorBytes = 512

    enum Kind: UInt32 {
        case records = 0x3142_574E  // "NWB1"
        case seal = 0x3153_574E  // "NWS1"
    }

    struct Header: Equatable {
        var index: UInt64
        var firstLSN: UInt64
        /// LSNs between the previous segment's end and `firstLSN` (a snapshot's own LSN).
        var skipped: UInt32 = 0
    }

    struct BatchHeader: Equatable {
        var kind: Kind
        var payloadBytes: Int
        var firstLSN: UInt64
        var count: Int
        var payloadCRC: UInt32

        var totalBytes: Int { SegmentFormat.batchHeaderBytes + payloadBytes }
    }

    static func header(_ header: Header) -> [UInt8] {
        var out = magic
        out.reserveCapacity(headerBytes)
        append(header.index, to: &out)
        append(header.firstLSN, to: &out)
        append(header.skipped, to: &out)
        append(CRC32C.checksum(out), to: &out)
        return out
    }

    static func decodeHeader(_ bytes: UnsafeRawBufferPointer) -> Header? {
        guard bytes.count >= headerBytes, bytes.prefix(8).elementsEqual(magic),
              CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<28])) == uint32(bytes, 28) else { return nil }
        return Header(index: uint64(bytes, 8), firstLSN: uint64(bytes, 16), skipped: uint32(bytes, 24))
    }

    /// Appends one batch holding `records` (LSNs `firstLSN`…) to `out`.
    static func appendBatch(_ records: some Collection<[UInt8]>, firstLSN: UInt64, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: batchHeaderBytes))
        for record in records {
            append(UInt32(record.count), to: &out)
            out.append(contentsOf: record)
        }
        let payloadCRC = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + batchHeaderBytes)...])) }
        writeBatchHeader(BatchHeader(kind: .records, payloadBytes: out.count - start - batchHeaderBytes, firstLSN: firstLSN,
                                     count: records.count, payloadCRC: payloadCRC), into: &out, at: start)
    }

    /// A seal: this segment ends, and the next starts at `nextLSN`.
    static func seal(nextLSN: UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: batchHeaderBytes)
        writeBatchHeader(BatchHeader(kind: .seal, payloadBytes: 0, firstLSN: nextLSN, count: 0, payloadCRC: 0), into: &out, at: 0)
        return out
    }

    private static func writeBatchHeader(_ header: BatchHeader, into out: inout [UInt8], at start: Int) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batchHeaderBytes)
        append(header.kind.rawValue, to: &bytes)
        append(UInt32(header.payloadBytes), to: &bytes)
        append(header.firstLSN, to: &bytes)
        append(UInt32(header.count), to: &bytes)
        append(header.payloadCRC, to: &bytes)
        append(CRC32C.checksum(bytes), to: &bytes)
        out.replaceSubrange(start..<(start + batchHeaderBytes), with: bytes)
    }

    /// The batch header at `offset`, if its checksum and fields are valid.
    static func decodeBatchHeader(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> BatchHeader? {
        guard bytes.count - offset >= batchHeaderBytes,
              let kind = Kind(rawValue: uint32(bytes, offset)),
              CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 24)])) == uint32(bytes, offset + 24) else {
            return nil
        }
        let header = BatchHeader(kind: kind, payloadBytes: Int(uint32(bytes, offset + 4)), firstLSN: uint64(bytes, offset + 8),
                                 count: Int(uint32(bytes, offset + 16)), payloadCRC: uint32(bytes, offset + 20))
        guard header.payloadBytes <= maxBatchBytes, header.count <= header.payloadBytes / 4 || header.payloadBytes == 0 else { return nil }
        if kind == .seal, header.payloadBytes != 0 || header.count != 0 { return nil }
        return header
    }

    /// The records of a batch whose header is valid, or nil if its payload is not intact.
    static func decodeRecords(_ bytes: UnsafeRawBufferPointer, _ header: BatchHeader, at offset: Int) -> [[UInt8]]? {
        let start = offset + batchHeaderBytes
        guard bytes.count - start >= header.payloadBytes else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + header.payloadBytes)])
        guard CRC32C.checksum(payload) == header.payloadCRC else { return nil }
        var records: [[UInt8]] = []
        records.reserveCapacity(header.count)
        var position = 0
        while records.count < header.count {
            guard payload.count - position >= 4 else { return nil }
            let length = Int(uint32(payload, position))
            position += 4
            guard payload.count - position >= length else { return nil }
            records.append(Array(payload[position..<(position + length)]))
            position += length
        }
        return position == payload.count ? records : nil
    }

    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func uint32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    static func uint64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(uint32(bytes, offset)) | UInt64(uint32(bytes, offset + 4)) << 32
    }
}
