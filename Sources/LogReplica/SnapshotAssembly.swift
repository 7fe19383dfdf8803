import ReplicatedLog
import Storage

/// A follower's half of a chunked snapshot transfer: chunks are appended in order, a chunk at
/// the wrong offset is answered with the offset wanted (so a retried or resumed transfer
/// continues), and the whole is handed out only if its CRC-32C matches. Pure.
struct SnapshotAssembly {
    struct Key: Equatable {
        var from: String
        var term: UInt64
        var index: UInt64
        var snapshotTerm: UInt64
        var totalBytes: UInt64
        var checksum: UInt32
    }

    enum Outcome: Equatable {
        /// Send from this offset next.
        case more(nextOffset: UInt64)
        /// All of it, intact.
        case complete(RaftMessage)
        /// All of it, but the checksum failed: start over.
        case corrupt
    }

    private(set) var key: Key?
    private(set) var bytes: [UInt8] = []

    mutating func add(_ chunk: LogV1.SnapshotChunk) -> Outcome {
        let incoming = Key(from: chunk.from, term: chunk.term, index: chunk.index, snapshotTerm: chunk.snapshotTerm,
                           totalBytes: chunk.totalBytes, checksum: chunk.checksum)
        if key != incoming {
            // Another snapshot (or leader): start it from the beginning.
            key = incoming
            bytes = []
        }
        guard chunk.offset == UInt64(bytes.count) else { return .more(nextOffset: UInt64(bytes.count)) }
        bytes.append(contentsOf: chunk.data)
        guard UInt64(bytes.count) >= chunk.totalBytes else { return .more(nextOffset: UInt64(bytes.count)) }
        let data = bytes
        key = nil
        bytes = []
        guard UInt64(data.count) == chunk.totalBytes, CRC32C.checksum(data) == chunk.checksum else { return .corrupt }
        return .complete(.installSnapshot(term: chunk.term, index: chunk.index, snapshotTerm: chunk.snapshotTerm, data: data))
    }
}
