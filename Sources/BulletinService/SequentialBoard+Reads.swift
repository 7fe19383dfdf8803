public import BulletinCore
import RPC
import ReplicatedLog
import Cluster

extension SequentialBoard {
    public func post(_ draft: BoardDraft, session: VersionVector) async throws -> BoardItem {
        try await submit(draft, timeout: .seconds(10))
    }

    public func reply(_ draft: BoardDraft, session: VersionVector) async throws -> BoardItem {
        try await submit(draft, timeout: .seconds(10))
    }

    /// Waits until this replica has applied what `session` names.
    nonisolated func catchUp(to session: VersionVector) async throws {
        if session.isEmpty { return }
        guard await replica.wait(for: session, timeout: .seconds(5)) else {
            throw ConnectError(.unavailable, "this replica has not yet applied the writes your session names; retry, or use another replica")
        }
    }

    public nonisolated func page(before cursor: Int64?, size: Int, session: VersionVector) async throws -> (articles: [ArticleSummary], next: Int64?) {
        try await catchUp(to: session)
        return replica.read { $0.page(before: cursor, size: size) }
    }

    public nonisolated func thread(_ id: Int64, session: VersionVector) async throws -> ArticleThread? {
        try await catchUp(to: session)
        return replica.read { $0.thread(id) }
    }

    /// Waits until this replica has applied everything the leader had committed when asked.
    public func sync() async throws -> Int {
        let before = raft.appliedIndex
        let deadline = ContinuousClock.now + .seconds(10)
        var status: StatusResponse?
        while status == nil {
            if raft.isLeader { return 0 }
            if let leader = raft.leader, let client = peers[leader] {
                status = try? await client.call(BulletinReplicaService.status, StatusRequest(), options: CallOptions(timeout: .seconds(2)))
            }
            guard status == nil else { break }
            guard ContinuousClock.now < deadline else {
                throw ConnectError(.unavailable, "no reachable leader; cannot tell what to catch up to")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let status else { return 0 }
        while raft.appliedIndex < status.commitIndex {
            guard ContinuousClock.now < deadline else {
                throw ConnectError(.unavailable, "did not catch up with the leader's commit index \(status.commitIndex) in time")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return Int(raft.appliedIndex - before)
    }
}
