import Cluster
import Foundation
import ReplicatedLog
import RPC
import Storage
import Testing
import TestSupport
@testable import LogReplica

struct LogPeerServiceTests {
    static func single(directory: String? = nil, snapshotEvery: UInt64 = 0) throws -> (LogReplica<ListMachine>, WriteAheadLog?) {
        let membership = ClusterMembership.single(id: "n1", address: try SocketAddress(parsing: "127.0.0.1:1"))
        var log: WriteAheadLog?
        var recovery: WriteAheadLog.Recovery?
        if let directory {
            let (opened, recovered) = try WriteAheadLog.open(directory: directory)
            (log, recovery) = (opened, recovered)
        }
        let replica = try LogReplica(membership: membership, machine: ListMachine(), log: log, recovery: recovery,
                                     peers: PeerTransports(clients: [:]),
                                     options: .init(tickInterval: .milliseconds(2), snapshotEvery: snapshotEvery), seed: 1)
        return (replica, log)
    }

    /// Wire round trip of every Raft message kind but snapshots (they travel as chunks).
    @Test func raftMessagesSurviveTheWire() throws {
        let messages: [RaftMessage] = [
            .requestVote(term: 3, lastIndex: 9, lastTerm: 2, preVote: true, transfer: false),
            .requestVote(term: 4, lastIndex: 9, lastTerm: 2, preVote: false, transfer: true),
            .voteResponse(term: 4, granted: true, preVote: true),
            .appendEntries(term: 4, prevIndex: 7, prevTerm: 2, entries: [LogEntry(term: 4, index: 8, data: Array(#"{"a":1}"#.utf8))],
                           commit: 6, round: 12),
            .appendResponse(term: 4, success: false, match: 7, hint: 5, round: 12),
            .timeoutNow(term: 4),
        ]
        let bytes = try LogV1.StepRequest(from: "n2", messages: .init(messages)).encodeJSON()
        #expect(try LogV1.StepRequest.decodeJSON(bytes).messages.raftMessages() == messages)
        let binary = try LogV1.StepRequest(from: "n2", messages: .init(messages)).encodeBinary()
        #expect(try LogV1.StepRequest.decodeBinary(binary).messages.raftMessages() == messages)
        #expect(throws: ConnectError.self) { try LogV1.Message(kind: "install_snapshot").raftMessage() }
    }

    /// A single replica elects itself, commits, snapshots (the WAL's old segments go), and
    /// restarts from snapshot plus the records after it.
    @Test(.timeLimit(.minutes(1)))
    func singleReplicaSnapshotsAndRestarts() async throws {
        let directory = ScratchDirectory.path("log-replica")
        let (replica, log) = try Self.single(directory: directory, snapshotEvery: 20)
        let runner = Task { await replica.run() }
        for index in 1...55 { #expect(try await replica.submit("c\(index)", idempotent: false) == index) }
        try await replica.linearizableRead()
        for _ in 0..<200 where await replica.status().snapshotIndex < 40 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await replica.status().snapshotIndex >= 40)
        runner.cancel()
        _ = await runner.value
        log?.close()
        let (again, reopened) = try Self.single(directory: directory, snapshotEvery: 20)
        #expect(again.machine.all.count >= 39, "restored from the snapshot (index 40 holds 39 commands after the no-op)")
        let rerun = Task { await again.run() }
        try await again.linearizableRead()
        #expect(again.machine.all == (1...55).map { "c\($0)" }, "and the entries after it")
        #expect(try await again.submit("c56", idempotent: false) == 56)
        rerun.cancel()
        _ = await rerun.value
        reopened?.close()
    }
}
