import Cluster
import ReplicatedLog
import RPC
import Synchronization

/// Carries one peer's replicated-log messages: messages queue while a call is in flight and go
/// out together in the next; the peer's answers are fed back to the log.
///
/// Guarantees: at most one call to the peer is outstanding, so the peer receives messages in
/// the order they were queued; a failed call's messages are dropped (Raft retransmits).
final class LogSender: Sendable {
    struct State: ~Copyable {
        var queue: [RaftMessage] = []
        var running = false
    }

    let peer: String
    let selfID: String
    let client: RPCClient
    let timeout: Duration
    let deliver: @Sendable (String, [RaftMessage]) async -> Void
    private let state = Mutex(State())

    init(peer: String, selfID: String, client: RPCClient, timeout: Duration,
         deliver: @escaping @Sendable (String, [RaftMessage]) async -> Void) {
        self.peer = peer
        self.selfID = selfID
        self.client = client
        self.timeout = timeout
        self.deliver = deliver
    }

    func send(_ messages: [RaftMessage]) {
        let start = state.withLock { state -> Bool in
            state.queue.append(contentsOf: messages)
            if state.running { return false }
            state.running = true
            return true
        }
        if start { RPCContext.detach { await self.drain() } }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [RaftMessage] in
                let taken = state.queue
                state.queue = []
                if taken.isEmpty { state.running = false }
                return taken
            }
            if batch.isEmpty { return }
            let options = CallOptions(timeout: timeout, sendTimeoutHeader: false)
            if let response = try? await client.call(BulletinReplicaService.step, StepRequest(from: selfID, messages: batch), options: options),
               !response.messages.isEmpty {
                await deliver(peer, response.messages)
            }
        }
    }
}
