import Cluster
import ReplicatedLog
import RPC
import Storage
import Testing
@testable import LogReplica

/// A follower's side of snapshot transfers, driven chunk by chunk (no peers, no ticks).
struct SnapshotTransferTests {
    static func follower() throws -> LogReplica<ListMachine> {
        let members = try ["n1", "n2", "n3"].enumerated().map { offset, id in
            ClusterMembership.Member(id: id, address: try SocketAddress(parsing: "127.0.0.1:\(offset + 1)"))
        }
        return try LogReplica(membership: try ClusterMembership(members: members, selfID: "n1"), machine: ListMachine(), log: nil,
                              recovery: nil, peers: PeerTransports(clients: [:]), seed: 1)
    }

    static func chunk(_ data: [UInt8], from: String, term: UInt64, index: UInt64, offset: Int) -> LogV1.SnapshotChunk {
        LogV1.SnapshotChunk(from: from, term: term, index: index, snapshotTerm: term, offset: UInt64(offset), totalBytes: UInt64(data.count),
                      checksum: CRC32C.checksum(data), data: Array(data[offset..<min(data.count, offset + 2)]))
    }

    /// A deposed leader's stream still running when the new leader's starts: before, the two
    /// took turns resetting the follower's assembly and neither ever finished (a replica 10,000
    /// entries behind never caught up). Now the old term's chunks end with the newer term in the
    /// answer, and the new leader's transfer completes.
    @Test func aDeposedLeadersStreamIsRefusedAndTheNewOneCompletes() async throws {
        let replica = try Self.follower()
        let old = Array("a\nb".utf8)
        let new = Array("a\nb\nc".utf8)
        let first = try await replica.receiveSnapshotChunk(Self.chunk(old, from: "n2", term: 1, index: 2, offset: 0))
        #expect(first == LogV1.SnapshotChunkResponse(nextOffset: 2, done: false))
        let takeover = try await replica.receiveSnapshotChunk(Self.chunk(new, from: "n3", term: 2, index: 3, offset: 0))
        #expect(takeover == LogV1.SnapshotChunkResponse(nextOffset: 2, done: false))
        let stale = try await replica.receiveSnapshotChunk(Self.chunk(old, from: "n2", term: 1, index: 2, offset: 2))
        #expect(stale.done, "the deposed leader's stream ends")
        #expect(try stale.messages.raftMessages().contains { if case .appendResponse(2, false, _, _, _) = $0 { true } else { false } },
                "and its leader learns the newer term: \(stale.messages)")
        #expect(try await replica.receiveSnapshotChunk(Self.chunk(new, from: "n3", term: 2, index: 3, offset: 2))
                == LogV1.SnapshotChunkResponse(nextOffset: 4, done: false), "the new leader's assembly was not reset")
        let last = try await replica.receiveSnapshotChunk(Self.chunk(new, from: "n3", term: 2, index: 3, offset: 4))
        #expect(last.done)
        #expect(replica.machine.all == ["a", "b", "c"])
        let status = await replica.status()
        #expect(status.leader == "n3" && status.term == 2 && status.snapshotIndex == 3 && status.appliedIndex == 3)
    }
}
