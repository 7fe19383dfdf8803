import Cluster
import Foundation
import ReplicatedLog
import RPC
import Storage

extension LogReplica {
    /// Serializes the machine's image off the actor (applying goes on meanwhile), then records
    /// the snapshot in the write-ahead log (whose older segments are then deleted) and compacts.
    func startSnapshot(index: UInt64, term: UInt64, image: @escaping @Sendable () throws -> [UInt8]) {
        Task.detached {
            let result = Result { try image() }
            await self.finishSnapshot(index: index, term: term, result)
        }
    }

    func noteSnapshot(index: UInt64, bytes: Int) {
        figures.recordSnapshot(index: index, bytes: bytes)
    }

    func finishSnapshot(index: UInt64, term: UInt64, _ result: Result<[UInt8], any Error>) {
        guard case .success(let data) = result else {
            logger.error("cannot serialize a snapshot", [("index", "\(index)")])
            core.snapshotFailed()
            return
        }
        // A snapshot from the leader may have overtaken this one.
        guard index > core.raft.log.snapshotIndex, core.raft.log.term(at: index) == term else {
            core.snapshotFailed()
            return
        }
        if let log, let parts = snapshotPayload(index: index, term: term, machine: data) {
            lastLSN = log.snapshot(parts: parts)
        }
        core.snapshotTaken(index: index, data: data)
        noteSnapshot(index: index, bytes: data.count)
        logger.info("snapshot taken", [("index", "\(index)"), ("bytes", "\(data.count)")])
    }

    /// The write-ahead log snapshot: the machine at `index` plus everything else the records
    /// before it held (hard state, commit index, the entries after `index`), in parts that the
    /// log joins off the actor (copying a 50 MB image here held up every post behind it).
    func snapshotPayload(index: UInt64, term: UInt64, machine data: [UInt8]) -> [[UInt8]]? {
        let raft = core.raft
        let entries = raft.log.entries(from: index + 1, limit: Int.max).map(LogRecord.Entry.init)
        let meta = LogSnapshot.Meta(index: index, term: term, hard: raft.hardState, commit: max(raft.commitIndex, index), entries: entries)
        do {
            return try LogSnapshot(meta: meta, machine: data).encodedParts()
        } catch {
            logger.error("cannot encode a snapshot", [("error", "\(error)")])
            return nil
        }
    }

    /// A follower's side of a snapshot transfer: one chunk.
    func receiveSnapshotChunk(_ chunk: LogV1.SnapshotChunk) async throws -> LogV1.SnapshotChunkResponse {
        guard core.acceptSnapshotChunk(from: chunk.from, term: chunk.term) else {
            // A deposed leader's stream: end it, and let the core tell that leader the newer term
            // (two leaders' streams taking turns would reset each other's assembly forever).
            let stale = RaftMessage.installSnapshot(term: chunk.term, index: chunk.index, snapshotTerm: chunk.snapshotTerm, data: [])
            let reply = await receive(from: chunk.from, [stale], replying: true)
            return LogV1.SnapshotChunkResponse(nextOffset: chunk.totalBytes, done: true, messages: .init(reply))
        }
        // A newer term learnt from the chunk is durable before the answer (as for any message).
        await process()
        switch assembly.add(chunk) {
        case .more(let next):
            return LogV1.SnapshotChunkResponse(nextOffset: next, done: false)
        case .corrupt:
            logger.warning("a snapshot from the leader failed its checksum", [("from", chunk.from), ("index", "\(chunk.index)")])
            // The sender's bytes are at fault, not this replica: a client error, and the sender retries.
            throw ConnectError(.invalidArgument, "field \"checksum\" does not match the snapshot's bytes; send it again")
        case .complete(let message):
            let reply = await receive(from: chunk.from, [message], replying: true)
            return LogV1.SnapshotChunkResponse(nextOffset: chunk.totalBytes, done: true, messages: .init(reply))
        }
    }

    /// Hands leadership to the most up-to-date follower and waits (at most `timeout`) until
    /// another replica leads: a rolling restart then costs no election timeout. Returns whether
    /// leadership moved (true also when this replica did not lead).
    public func handOver(timeout: Duration = .seconds(1)) async -> Bool {
        guard core.raft.isLeader, !peers.clients.isEmpty else { return true }
        guard let target = core.transferLeadership() else { return true }
        logger.info("handing leadership over", [("to", target)])
        await process()
        let deadline = ContinuousClock.now + timeout
        while core.raft.isLeader, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
            await process()
        }
        return !core.raft.isLeader
    }
}
