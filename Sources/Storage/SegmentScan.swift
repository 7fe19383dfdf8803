/// What one segment file holds, read without trusting it. Pure: bytes in, findings out.
///
/// Guarantees: `records` are exactly the intact batches from the start, in order, with
/// consecutive LSNs from `expectedLSN`; anything else is classified, never returned as data:
/// - `clean`: the batches end at the end of the file or where only zeros (space written ahead) follow;
/// - `sealed`: a seal ends the segment (the next must exist);
/// - `torn`: the newest segment's last batch is incomplete (it extends past the file, or one of the
///   disk sectors it covers was never written: still all zeros) and no intact batch follows it:
///   a write the crash interrupted, which no one can have been told is durable;
/// - `damaged`: anything else (a batch that fails its checksum although every sector of it was
///   written, a bad batch followed by a valid later one, a bad batch in a segment that was
///   complete, a wrong header): data that was durable is gone.
struct SegmentScan: Equatable {
    enum End: Equatable {
        case clean
        case sealed(nextLSN: UInt64)
        /// Truncate the file at `offset`; `bytes` is how much was written past it (not counting zeros).
        case torn(offset: Int, bytes: Int)
        case damaged(offset: Int, reason: String)
    }

    var records: [[UInt8]] = []
    /// The LSN after the last intact record.
    var nextLSN: UInt64
    /// Where the last intact batch ends (where appending continues).
    var validEnd: Int
    var end: End

    /// Scans `bytes`, the file of segment `index`, which must start at `expectedLSN` (nil: any),
    /// or after the gap its header declares when `gapAllowed` (it follows another segment, not
    /// the snapshot); `isNewest`: no segment follows.
    static func scan(_ bytes: [UInt8], index: UInt64, expectedLSN: UInt64?, gapAllowed: Bool = false, isNewest: Bool) -> SegmentScan {
        bytes.withUnsafeBytes { scan($0, index: index, expectedLSN: expectedLSN, gapAllowed: gapAllowed, isNewest: isNewest) }
    }

    static func scan(_ bytes: UnsafeRawBufferPointer, index: UInt64, expectedLSN: UInt64?, gapAllowed: Bool, isNewest: Bool) -> SegmentScan {
        let fallbackLSN = expectedLSN ?? 1
        guard let header = SegmentFormat.decodeHeader(bytes) else {
            if bytes.count >= 8, bytes.prefix(8).elementsEqual(SegmentFormat.legacyMagic) {
                return SegmentScan(nextLSN: fallbackLSN, validEnd: 0,
                                   end: .damaged(offset: 0, reason: "written in the log format of an older node (NODEWAL1)"))
            }
            // A segment is created (header written and synced) before anything is appended, so
            // only the newest can have a torn header, and then nothing after it.
            let region = 0..<min(bytes.count, SegmentFormat.headerBytes)
            if isNewest, bytes.count < SegmentFormat.headerBytes || hasUnwrittenSector(bytes, region) {
                return SegmentScan(nextLSN: fallbackLSN, validEnd: 0, end: .torn(offset: 0, bytes: writtenBytes(bytes, from: 0)))
            }
            return SegmentScan(nextLSN: fallbackLSN, validEnd: 0, end: .damaged(offset: 0, reason: "the segment header is unreadable"))
        }
        guard header.index == index else {
            return SegmentScan(nextLSN: fallbackLSN, validEnd: 0,
                               end: .damaged(offset: 0, reason: "the header names segment \(header.index), not \(index)"))
        }
        if let expectedLSN, header.firstLSN != expectedLSN + (gapAllowed ? UInt64(header.skipped) : 0) {
            return SegmentScan(nextLSN: expectedLSN, validEnd: 0,
                               end: .damaged(offset: 0, reason: "it starts at record \(header.firstLSN) where \(expectedLSN) was due: records are missing"))
        }
        var scan = SegmentScan(nextLSN: header.firstLSN, validEnd: SegmentFormat.headerBytes, end: .clean)
        var offset = SegmentFormat.headerBytes
        while offset < bytes.count {
            let batch = SegmentFormat.decodeBatchHeader(bytes, at: offset)
            if let batch, batch.firstLSN == scan.nextLSN {
                if batch.kind == .seal {
                    scan.validEnd = offset + batch.totalBytes
                    scan.end = .sealed(nextLSN: batch.firstLSN)
                    return scan
                }
                if let records = SegmentFormat.decodeRecords(bytes, batch, at: offset) {
                    scan.records.append(contentsOf: records)
                    scan.nextLSN += UInt64(batch.count)
                    offset += batch.totalBytes
                    scan.validEnd = offset
                    continue
                }
            }
            if isZero(bytes, offset..<bytes.count) { return scan }
            scan.end = classifyBadBatch(bytes, at: offset, header: batch, nextLSN: scan.nextLSN, isNewest: isNewest)
            return scan
        }
        return scan
    }

    /// Torn or damaged: see the type's guarantees.
    static func classifyBadBatch(_ bytes: UnsafeRawBufferPointer, at offset: Int, header: SegmentFormat.BatchHeader?,
                                 nextLSN: UInt64, isNewest: Bool) -> End {
        guard isNewest else {
            return .damaged(offset: offset, reason: "a bad batch in a segment that was complete and synced")
        }
        if let later = laterBatch(bytes, after: offset, from: nextLSN) {
            return .damaged(offset: offset, reason: "a bad batch followed by an intact one at offset \(later), so it had been synced")
        }
        let region: Range<Int>
        if let header, header.firstLSN == nextLSN {
            region = offset..<(offset + header.totalBytes)
        } else {
            region = offset..<(offset + SegmentFormat.batchHeaderBytes)
        }
        if region.upperBound > bytes.count || hasUnwrittenSector(bytes, region) {
            return .torn(offset: offset, bytes: writtenBytes(bytes, from: offset))
        }
        return .damaged(offset: offset, reason: header == nil ? "an unreadable batch header, every sector of it written"
                                                              : "a batch that fails its checksum, every sector of it written")
    }

    /// The offset of an intact batch header after `offset` that continues the log at or past
    /// `lsn`: proof that the batch at `offset` was complete (batches are written one after the
    /// other, each synced before the next).
    static func laterBatch(_ bytes: UnsafeRawBufferPointer, after offset: Int, from lsn: UInt64) -> Int? {
        var position = offset + 1
        let first = UInt8(truncatingIfNeeded: SegmentFormat.Kind.records.rawValue)
        let seal = UInt8(truncatingIfNeeded: SegmentFormat.Kind.seal.rawValue)
        while position + SegmentFormat.batchHeaderBytes <= bytes.count {
            let byte = bytes[position]
            if byte == first || byte == seal, let header = SegmentFormat.decodeBatchHeader(bytes, at: position), header.firstLSN >= lsn {
                return position
            }
            position += 1
        }
        return nil
    }

    /// Whether some disk sector overlapping `region` holds only zeros there: never written.
    static func hasUnwrittenSector(_ bytes: UnsafeRawBufferPointer, _ region: Range<Int>) -> Bool {
        let sector = SegmentFormat.sectorBytes
        var start = region.lowerBound
        while start < min(region.upperBound, bytes.count) {
            let end = min((start / sector + 1) * sector, region.upperBound, bytes.count)
            if isZero(bytes, start..<end) { return true }
            start = end
        }
        return false
    }

    static func isZero(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] != 0 { return false }
            index += 1
        }
        return true
    }

    /// Bytes from `offset` up to the last non-zero byte (what was written, not the zeros written ahead).
    static func writtenBytes(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Int {
        var end = bytes.count
        while end > offset, bytes[end - 1] == 0 { end -= 1 }
        return end - offset
    }
}
