import ReplicatedLog
import Storage
import Testing
@testable import LogReplica

struct SnapshotAssemblyTests {
    func chunk(_ data: [UInt8], offset: Int, length: Int, total: [UInt8]) -> LogV1.SnapshotChunk {
        LogV1.SnapshotChunk(from: "n1", term: 2, index: 50, snapshotTerm: 2, offset: UInt64(offset), totalBytes: UInt64(total.count),
                      checksum: CRC32C.checksum(total), data: Array(data[offset..<min(data.count, offset + length)]))
    }

    /// In-order chunks complete it; a chunk at the wrong offset (a resumed transfer) is answered
    /// with the offset wanted; a corrupted whole is refused.
    @Test func chunksAssembleResumeAndAreChecked() {
        let data = (0..<1000).map { UInt8($0 % 251) }
        var assembly = SnapshotAssembly()
        #expect(assembly.add(chunk(data, offset: 0, length: 300, total: data)) == .more(nextOffset: 300))
        #expect(assembly.add(chunk(data, offset: 600, length: 300, total: data)) == .more(nextOffset: 300), "a gap: ask again")
        #expect(assembly.add(chunk(data, offset: 300, length: 300, total: data)) == .more(nextOffset: 600))
        #expect(assembly.add(chunk(data, offset: 600, length: 400, total: data))
                == .complete(.installSnapshot(term: 2, index: 50, snapshotTerm: 2, data: data)))
        var corrupted = data
        corrupted[5] ^= 1
        var second = SnapshotAssembly()
        _ = second.add(chunk(corrupted, offset: 0, length: 500, total: data))
        #expect(second.add(chunk(corrupted, offset: 500, length: 500, total: data)) == .corrupt)
    }
}
