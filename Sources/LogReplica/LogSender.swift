import Cluster
import ReplicatedLog
import RPC
import Replication
import Storage
import Synchronization

/// Carries one peer's replicated-log messages: messages queue while a call is in flight and go
/// out together in the next; the peer's answers are fed back to the log. A snapshot goes as a
/// separate stream of chunks (`InstallSnapshot`), resuming where the peer says it got to.
///
/// Guarantees: at most one `Step` call to the peer is outstanding, so the peer receives messages
/// in the order they were queued; a failed call's messages are dropped (Raft retransmits); at most
/// one snapshot streams to the peer at a time, and it is checksummed end to end.
final class LogSender: Sendable {
    static let chunkBytes = 1 << 20

    let peer: String
    let selfID: String
    let client: RPCClient
    let timeout: Duration
    let deliver: @Sendable (String, [RaftMessage]) async -> Void
    let logger: Logger
    /// Regular messages: one `Step` call at a time, so the peer receives them in order.
    private let steps: PeerBatcher<RaftMessage>
    private let snapshotting = Mutex(false)

    init(peer: String, selfID: String, client: RPCClient, timeout: Duration, logger: Logger,
         deliver: @escaping @Sendable (String, [RaftMessage]) async -> Void) {
        self.logger = logger
        self.peer = peer
        self.selfID = selfID
        self.client = client
        self.timeout = timeout
        self.deliver = deliver
        steps = PeerBatcher(maxInFlight: 1) { batch in
            let options = CallOptions(timeout: timeout, sendTimeoutHeader: false)
            if let response = try? await client.call(LogV1.Replica.step, LogV1.StepRequest(from: selfID, messages: .init(batch)), options: options),
               let replies = try? response.messages.raftMessages(), !replies.isEmpty {
                await deliver(peer, replies)
            }
        }
    }

    func send(_ messages: [RaftMessage]) {
        var regular: [RaftMessage] = []
        for message in messages {
            if case .installSnapshot(let term, let index, let snapshotTerm, let data) = message {
                startSnapshot(term: term, index: index, snapshotTerm: snapshotTerm, data: data)
            } else {
                regular.append(message)
            }
        }
        steps.enqueue(contentsOf: regular)
    }

    private func startSnapshot(term: UInt64, index: UInt64, snapshotTerm: UInt64, data: [UInt8]) {
        let start = snapshotting.withLock { running -> Bool in
            if running { return false }
            running = true
            return true
        }
        guard start else { return }
        // Off the event loop: checksumming, slicing and encoding megabytes of chunks there would
        // hold up the loop's heartbeats for longer than an election timeout (a debug build under
        // load lost its leader over and over while a 10,000-pool snapshot went out).
        Task.detached {
            await self.streamSnapshot(term: term, index: index, snapshotTerm: snapshotTerm, data: data)
            self.snapshotting.withLock { $0 = false }
        }
    }

    /// Sends the snapshot in chunks from wherever the peer says it is; gives up after repeated
    /// failures or too many calls (the leader sends it again later), and stops when the peer says
    /// it is done (also when it refuses a deposed leader's chunks: its answer then says why).
    private func streamSnapshot(term: UInt64, index: UInt64, snapshotTerm: UInt64, data: [UInt8]) async {
        let checksum = CRC32C.checksum(data)
        var offset = 0
        var failures = 0
        // A peer that keeps sending us back (it restarted, or another stream interfered) must
        // not hold this sender forever: the leader starts a fresh transfer later.
        var calls = 0
        let maxCalls = 3 * (data.count / Self.chunkBytes + 1) + 20
        while failures < 20, calls < maxCalls {
            calls += 1
            let end = min(data.count, offset + Self.chunkBytes)
            let chunk = LogV1.SnapshotChunk(from: selfID, term: term, index: index, snapshotTerm: snapshotTerm, offset: UInt64(offset),
                                            totalBytes: UInt64(data.count), checksum: checksum, data: Array(data[offset..<end]))
            do {
                let response = try await client.call(LogV1.Replica.installSnapshot, chunk,
                                                      options: CallOptions(timeout: max(timeout, .seconds(5)), sendTimeoutHeader: false))
                logger.debug("snapshot chunk sent", [("peer", peer), ("offset", "\(offset)"), ("next", "\(response.nextOffset)"), ("done", "\(response.done)")])
                if response.done {
                    if let replies = try? response.messages.raftMessages(), !replies.isEmpty { await deliver(peer, replies) }
                    return
                }
                offset = Int(min(response.nextOffset, UInt64(data.count)))
                failures = 0
            } catch {
                failures += 1
                logger.warning("a snapshot chunk to a peer failed", [("peer", peer), ("index", "\(index)"), ("offset", "\(offset)"),
                                                                     ("bytes", "\(data.count)"), ("error", "\(error)")])
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
