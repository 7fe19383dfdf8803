public import BulletinCore
public import Cluster
public import LogReplica
import Foundation
public import RPC
public import Storage

/// The sequential mode: every post goes through the replicated log (`LogReplica`), with the
/// board (`BulletinReplica`) as its state machine.
///
/// Guarantees: a post is acknowledged once a majority holds it in its durable log; ids are
/// assigned when entries apply, in log order, so they are monotonic and never reused across
/// leader changes; any replica's board is a prefix of the leader's order. Followers forward
/// writes to the leader; when the leader fails a new one is elected (election timeout
/// 300–600 ms) and writes through any surviving majority succeed. The board is snapshotted
/// every `snapshotEvery` posts and older log segments deleted; a replica that fell behind or was
/// wiped receives the snapshot.
public struct SequentialBulletin: ConsistencyMode {
    public let replica: BulletinReplica
    public let log: LogReplica<BulletinReplica>

    public init(membership: ClusterMembership, replica: BulletinReplica, log: WriteAheadLog?, recovery: WriteAheadLog.Recovery?,
                peers: PeerTransports, options: LogReplica<BulletinReplica>.Options = .init(), seed: UInt64,
                logger: Logger = .disabled, loop: EventLoop = .next()) throws {
        self.replica = replica
        self.log = try LogReplica(membership: membership, machine: replica, log: log, recovery: recovery, peers: peers,
                                  options: options, seed: seed, logger: logger, loop: loop)
    }

    public func post(_ draft: BulletinDraft, session: VersionVector) async throws -> BulletinItem {
        try await submit(draft)
    }

    public func reply(_ draft: BulletinDraft, session: VersionVector) async throws -> BulletinItem {
        try await submit(draft)
    }

    /// Runs `draft` through the log (a retry is harmless when it carries a request id).
    func submit(_ draft: BulletinDraft, timeout: Duration = .seconds(10)) async throws -> BulletinItem {
        try log.rebuild.refuseWhileRebuilding()
        switch try await log.submit(draft, idempotent: draft.requestId != nil, timeout: timeout) {
        case .item(let item): return item
        case .parentMissing(let parent): throw ConnectError(.notFound, "parent \(parent) does not exist")
        }
    }

    /// Waits until this replica has applied what `session` names.
    func catchUp(to session: VersionVector) async throws {
        try log.rebuild.refuseWhileRebuilding()
        if session.isEmpty { return }
        guard await replica.wait(for: session, timeout: .seconds(5)) else {
            throw ConnectError(.unavailable, "this replica has not yet applied the writes your session names; retry, or use another replica")
        }
    }

    public func page(before cursor: Int64?, size: Int, session: VersionVector) async throws -> (articles: [ArticleSummary], next: Int64?) {
        try await catchUp(to: session)
        return replica.read { $0.page(before: cursor, size: size) }
    }

    public func thread(_ id: Int64, session: VersionVector) async throws -> ArticleThread? {
        try await catchUp(to: session)
        return replica.read { $0.thread(id) }
    }

    /// Waits until this replica has applied everything committed when asked (a read index from
    /// the leader); returns how many items it gained meanwhile.
    public func sync() async throws -> Int {
        let before = replica.read { $0.count }
        try await log.linearizableRead()
        return replica.read { $0.count } - before
    }

    public func run() async { await log.run() }
}
