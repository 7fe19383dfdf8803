import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension SegmentWriter {
    static let damageMarker = "DAMAGED"
    static let quarantineSuffix = ".damaged"

    /// Reads the snapshot and every segment, checks that they chain (indices and LSNs without
    /// gaps), truncates a torn tail, and sets damage aside; returns the writer, open at the end of
    /// what is intact, and what was found.
    ///
    /// On damage, first a `DAMAGED` marker is made durable, then the damaged part is moved aside
    /// (`wal-N.log.damaged`, `snapshot.damaged`) so that appending continues after the intact
    /// prefix, and later opens report the damage until `clearDamage()`.
    static func recover(directory: String) throws(StorageError) -> (SegmentWriter, WriteAheadLog.Recovery) {
        var recovery = WriteAheadLog.Recovery(snapshot: nil, records: [], droppedBytes: 0, removedSegments: [])
        let markerPath = directory + "/" + damageMarker
        if let earlier = FileManager.default.contents(atPath: markerPath) {
            recovery.damage = StorageDamage(file: markerPath, offset: nil,
                                            reason: "damage found earlier and not yet rebuilt: " + String(decoding: earlier, as: UTF8.self))
        }
        var indices = listSegments(directory)
        var expectedIndex = indices.first ?? 1
        var expectedLSN: UInt64 = 1
        var gapAllowed = false
        switch try readSnapshot(directory) {
        case .none:
            break
        case .intact(let firstSegment, let nextLSN, let data):
            recovery.snapshot = data
            for index in indices where index < firstSegment { unlink(directory + "/" + segmentName(index)) }
            indices.removeAll { $0 < firstSegment }
            expectedIndex = firstSegment
            expectedLSN = nextLSN
        case .damaged(let reason):
            // Nothing after a lost snapshot can be used: set it all aside and start empty.
            let damage = StorageDamage(file: directory + "/" + snapshotName, offset: nil, reason: reason)
            try quarantine(damage, segments: indices, keepingPrefixOf: nil, directory: directory)
            rename(directory + "/" + snapshotName, directory + "/" + snapshotName + quarantineSuffix)
            try RecordFile.fsyncDirectory(directory)
            recovery.damage = damage
            recovery.removedSegments = indices.map(segmentName)
            let writer = SegmentWriter(directory: directory)
            try writer.create((indices.last ?? 0) + 1, firstLSN: 1)
            recovery.nextLSN = 1
            return (writer, recovery)
        }

        var tail: (index: UInt64, validEnd: Int, nextLSN: UInt64, sealed: Bool)?
        var damage: StorageDamage?
        var damagedAt: (position: Int, keep: Int?)?
        for (position, index) in indices.enumerated() {
            let path = directory + "/" + segmentName(index)
            guard index == expectedIndex else {
                damage = StorageDamage(file: directory + "/" + segmentName(expectedIndex), offset: nil,
                                       reason: "segment \(expectedIndex) is missing (found \(index) after it)")
                damagedAt = (position, nil)
                break
            }
            let bytes = try RecordFile.readAll(path)
            let scan = SegmentScan.scan(bytes, index: index, expectedLSN: expectedLSN, gapAllowed: gapAllowed,
                                        isNewest: position == indices.count - 1)
            recovery.records.append(contentsOf: scan.records)
            switch scan.end {
            case .clean:
                tail = (index, scan.validEnd, scan.nextLSN, false)
            case .sealed(let nextLSN):
                tail = (index, scan.validEnd, nextLSN, true)
            case .torn(let offset, let written):
                recovery.droppedBytes += written
                guard truncate(path, off_t(offset)) == 0 else {
                    throw StorageError("truncate", path: path, reason: String(cString: strerror(errno)))
                }
                tail = (index, offset, scan.nextLSN, false)
            case .damaged(let offset, let reason):
                damage = StorageDamage(file: path, offset: offset, reason: reason)
                let keep = offset >= SegmentFormat.headerBytes ? offset : nil
                damagedAt = (position, keep)
                if let keep { tail = (index, keep, scan.nextLSN, false) }
            }
            if damage != nil { break }
            expectedIndex = index + 1
            expectedLSN = tail?.nextLSN ?? expectedLSN
            gapAllowed = true
        }
        if damage == nil, let last = tail, last.sealed {
            damage = StorageDamage(file: directory + "/" + segmentName(last.index + 1), offset: nil,
                                   reason: "segment \(last.index + 1) is missing (segment \(last.index) was sealed before it)")
        }
        if damage == nil, tail == nil, recovery.snapshot != nil {
            damage = StorageDamage(file: directory + "/" + segmentName(expectedIndex), offset: nil,
                                   reason: "segment \(expectedIndex), which the snapshot continues into, is missing")
        }

        if let damage {
            let aside = damagedAt.map { Array(indices[$0.position...]) } ?? []
            try quarantine(damage, segments: aside, keepingPrefixOf: damagedAt?.keep, directory: directory)
            recovery.damage = damage
            recovery.removedSegments = aside.map(segmentName)
        }
        let writer = SegmentWriter(directory: directory)
        if let tail, !tail.sealed {
            try writer.open(tail.index, validEnd: tail.validEnd, nextLSN: tail.nextLSN)
            recovery.nextLSN = tail.nextLSN
        } else {
            // A fresh log, or the intact part ends with a seal (or with nothing): continue in a new segment.
            let index = tail.map { $0.index + 1 } ?? expectedIndex
            let lsn = tail?.nextLSN ?? expectedLSN
            try writer.create(index, firstLSN: lsn)
            recovery.nextLSN = lsn
        }
        return (writer, recovery)
    }

    enum SnapshotFile {
        case none
        case intact(firstSegment: UInt64, nextLSN: UInt64, data: [UInt8])
        case damaged(String)
    }

    static let snapshotMagic: [UInt8] = Array("NODESNP2".utf8)

    /// The snapshot file: one checksummed record of `"NODESNP2" · first segment u64 · next LSN u64 · state`.
    static func readSnapshot(_ directory: String) throws(StorageError) -> SnapshotFile {
        let path = directory + "/" + snapshotName
        guard FileManager.default.fileExists(atPath: path) else { return .none }
        let bytes = try RecordFile.readAll(path)
        let (records, end) = RecordFile.scan(bytes)
        guard records.count == 1, end == bytes.count, records[0].count >= 24 else {
            return .damaged("the snapshot fails its checksum")
        }
        let payload = records[0]
        guard Array(payload[0..<8]) == snapshotMagic else {
            return .damaged("the snapshot was written in the format of an older node")
        }
        return payload.withUnsafeBytes { raw in
            .intact(firstSegment: SegmentFormat.uint64(raw, 8), nextLSN: SegmentFormat.uint64(raw, 16), data: Array(payload[24...]))
        }
    }

    /// What a snapshot record's payload starts with; the state follows.
    static func snapshotHeader(firstSegment: UInt64, nextLSN: UInt64) -> [UInt8] {
        var header = snapshotMagic
        SegmentFormat.append(firstSegment, to: &header)
        SegmentFormat.append(nextLSN, to: &header)
        return header
    }

    /// Makes the damage marker durable, then moves `segments` aside (all of the first, unless
    /// `keepingPrefixOf` says up to which offset it stays: the rest of it is copied aside).
    static func quarantine(_ damage: StorageDamage, segments: [UInt64], keepingPrefixOf keep: Int?, directory: String) throws(StorageError) {
        let marker = directory + "/" + damageMarker
        let fd = Glibc.open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError("open", path: marker, reason: String(cString: strerror(errno))) }
        defer { Glibc.close(fd) }
        try RecordFile.writeAll(fd, Array(damage.description.utf8), path: marker)
        try RecordFile.fsync(fd, path: marker)
        try RecordFile.fsyncDirectory(directory)
        for (position, index) in segments.enumerated() {
            let path = directory + "/" + segmentName(index)
            if position == 0, let keep {
                let bytes = try RecordFile.readAll(path)
                try writeFile(path + quarantineSuffix, Array(bytes[keep...]))
                guard truncate(path, off_t(keep)) == 0 else {
                    throw StorageError("truncate", path: path, reason: String(cString: strerror(errno)))
                }
            } else {
                guard rename(path, path + quarantineSuffix) == 0 else {
                    throw StorageError("rename", path: path, reason: String(cString: strerror(errno)))
                }
            }
        }
        try RecordFile.fsyncDirectory(directory)
    }

    /// Removes the damage marker (durably): the owner has rebuilt what was lost.
    static func clearDamage(_ directory: String) throws(StorageError) {
        let marker = directory + "/" + damageMarker
        guard unlink(marker) == 0 || errno == ENOENT else {
            throw StorageError("unlink", path: marker, reason: String(cString: strerror(errno)))
        }
        try RecordFile.fsyncDirectory(directory)
    }

    static func listSegments(_ directory: String) -> [UInt64] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).compactMap(segmentIndex).sorted()
    }

    /// Writes and fsyncs a whole file; with `syncEvery`, in pieces of that size each synced
    /// before the next, so that tens of megabytes never sit dirty at once (one big flush holds
    /// up every other fsync on the disk, the log's included).
    static func writeFile(_ path: String, _ bytes: [UInt8], syncEvery chunk: Int? = nil) throws(StorageError) {
        try writeFile(path, [bytes], syncEvery: chunk)
    }

    /// Writes `pieces` one after the other as the file's contents and fsyncs it; with `chunk`,
    /// also `fdatasync`s every `chunk` bytes, so a large file never leaves much dirty data for
    /// the journal to flush along with another file's fsync (ext4's ordered mode does that).
    static func writeFile(_ path: String, _ pieces: [[UInt8]], syncEvery chunk: Int? = nil) throws(StorageError) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError("open", path: path, reason: String(cString: strerror(errno))) }
        defer { Glibc.close(fd) }
        var unsynced = 0
        for piece in pieces {
            var offset = 0
            while offset < piece.count {
                let end = chunk.map { min(piece.count, offset + max(1, $0 - unsynced)) } ?? piece.count
                let written = piece.withUnsafeBytes { raw in
                    RecordFile.writeAll(fd, UnsafeRawBufferPointer(rebasing: raw[offset..<end]), path: path)
                }
                try written.get()
                unsynced += end - offset
                offset = end
                if let chunk, unsynced >= chunk {
                    try RecordFile.fdatasync(fd, path: path)
                    unsynced = 0
                }
            }
        }
        try RecordFile.fsync(fd, path: path)
    }
}
