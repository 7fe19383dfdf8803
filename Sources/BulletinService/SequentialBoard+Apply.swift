import JSON
import Foundation
import BulletinCore
import ReplicatedLog
import Cluster
import RPC

extension SequentialBoard {
    /// Applies committed entries in order: each command becomes an item with the next id (or
    /// the earlier item of its request id, or a rejection), deterministically on every replica.
    func apply(_ entries: [LogEntry]) {
        for entry in entries {
            guard !entry.isNoOp else { continue }
            let outcome = Result { try applyCommand(entry.data) }
            if let waiter = waiters.removeValue(forKey: entry.index) {
                if waiter.term == entry.term {
                    waiter.continuation.resume(with: outcome)
                } else {
                    waiter.continuation.resume(throwing: Self.leadershipChanged)
                }
            } else if let term = proposed.removeValue(forKey: entry.index) {
                // Applied before its proposer got to wait: keep the outcome for it.
                early[entry.index] = term == entry.term ? outcome : .failure(Self.leadershipChanged)
            }
        }
    }

    func applyCommand(_ data: [UInt8]) throws -> BoardItem {
        var draft = try JSONValueDecoder.decode(BoardDraft.self, from: data)
        if let requestId = draft.requestId, let earlier = replica.read({ $0.item(requestId: requestId) }) { return earlier }
        if draft.kind == .reply {
            guard let parent = replica.read({ $0.item(draft.parentId) }) else {
                throw ConnectError(.notFound, "parent \(draft.parentId) does not exist")
            }
            draft.articleId = parent.articleId
        }
        // Only this actor adds items to a sequential board, so maxID cannot move in between.
        let id = replica.read { $0.maxID } + 1
        let item = draft.item(id: id, origin: "log", seq: UInt64(id))
        replica.apply(item)
        return item
    }

    /// Proposes `draft` if this replica leads (waiting for it to apply), else forwards it to the leader.
    func submit(_ draft: BoardDraft, timeout: Duration) async throws -> BoardItem {
        let deadline = ContinuousClock.now + timeout
        while true {
            if raft.isLeader {
                guard case .appended(let index, let term) = raft.propose(try JSONValueEncoder.bytes(draft)) else { continue }
                // The entry may apply before the waiter below is in place: processing it suspends,
                // and so may the calls that set the waiter up (on an event-loop executor).
                proposed[index] = term
                // Send the entry to the followers and persist it now (its outcome waits in `early`
                // if it applies before the waiter below is set up).
                await process()
                // The caller's deadline (its handler is cancelled then) or ours, whichever comes first.
                return try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { continuation in
                        if let outcome = early.removeValue(forKey: index) {
                            continuation.resume(with: outcome)
                            return
                        }
                        proposed[index] = nil
                        waiters[index] = (term, continuation, deadline)
                        if Task.isCancelled { expire(index) }
                    }
                } onCancel: {
                    Task { await self.expire(index) }
                }
            }
            if let leader = raft.leader, let client = peers[leader] {
                do {
                    return try await forward(draft, to: client)
                } catch let error as ConnectError where error.code == .unavailable || error.code == .deadlineExceeded {
                    // The leader may have failed: retry (the request id makes it harmless) until
                    // a new one is elected or time runs out.
                    guard ContinuousClock.now < deadline else { throw error }
                    try await Task.sleep(for: .milliseconds(50))
                    continue
                }
            }
            guard ContinuousClock.now < deadline else {
                throw ConnectError(.unavailable, "no leader elected yet; retry with the same request id")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static var leadershipChanged: ConnectError {
        ConnectError(.unavailable, "leadership changed before the post committed; retry with the same request id")
    }

    /// Gives up on posts whose callers' deadlines passed (checked every tick).
    func expireOverdue() {
        let now = ContinuousClock.now
        for (index, waiter) in waiters where waiter.deadline <= now { expire(index) }
    }

    func expire(_ index: UInt64) {
        guard let waiter = waiters.removeValue(forKey: index) else { return }
        waiter.continuation.resume(throwing: ConnectError(.deadlineExceeded, "the post did not commit in time; it may still appear (retry with the same request id)"))
    }

    nonisolated func forward(_ draft: BoardDraft, to client: RPCClient) async throws -> BoardItem {
        let options = CallOptions(retryable: true)
        switch draft.kind {
        case .article:
            let response = try await client.call(BoardService.post, PostRequest(author: draft.author, title: draft.title, body: draft.body, requestId: draft.requestId), options: options)
            guard let article = response.article else { throw ConnectError(.internal, "the leader answered without an article") }
            return BoardItem(id: article.id, kind: .article, author: article.author, title: article.title, body: article.body,
                             createdAtMs: article.createdAtMs, origin: "log", seq: UInt64(article.id), requestId: draft.requestId)
        case .reply:
            let response = try await client.call(BoardService.reply, ReplyRequest(parentId: draft.parentId, author: draft.author, body: draft.body, requestId: draft.requestId), options: options)
            guard let reply = response.reply else { throw ConnectError(.internal, "the leader answered without a reply") }
            return BoardItem(id: reply.id, kind: .reply, parentId: reply.parentId, articleId: reply.articleId, author: reply.author,
                             body: reply.body, createdAtMs: reply.createdAtMs, origin: "log", seq: UInt64(reply.id), requestId: draft.requestId)
        }
    }
}
