public import BulletinCore
public import Cluster
public import Replication
public import RPC

/// The read-your-writes mode: a post is durable here before it is acknowledged and spreads to
/// the other replicas in the background (pushed at once, pulled by anti-entropy).
///
/// Guarantees: a read given a session answers only once this replica includes everything the
/// session names (pulling from peers while it waits), so a client sees its own posts and never
/// goes back in time, whichever replica it uses. Without a session, reads may be stale.
public struct LocalFirstBulletin: ConsistencyMode {
    public let replica: BulletinReplica
    let pushers: [PeerBatcher<ItemPush>]
    public let antiEntropy: AntiEntropy<BulletinDigestExchange>
    let interval: Duration
    let sessionWait: Duration

    public init(replica: BulletinReplica, peers: PeerTransports, peerTimeout: Duration, antiEntropyInterval: Duration,
                sessionWait: Duration = .seconds(5), logger: Logger = .disabled) {
        self.replica = replica
        pushers = peers.clients.values.map { PeerBatcher(pushingTo: $0, timeout: peerTimeout) }
        antiEntropy = AntiEntropy(replica: replica, peers: peers, logger: logger)
        interval = antiEntropyInterval
        self.sessionWait = sessionWait
    }

    public func post(_ draft: BulletinDraft, session: VersionVector) async throws -> BulletinItem {
        try await catchUp(to: session)
        let item = try await replica.accept(draft)
        for pusher in pushers { pusher.enqueue(ItemPush(item: item)) }
        return item
    }

    /// Waits until this replica includes `session`, pulling from peers meanwhile.
    func catchUp(to session: VersionVector) async throws {
        if session.isEmpty || replica.vector.includes(session) { return }
        let puller = Task { [antiEntropy] in
            while !Task.isCancelled, !replica.vector.includes(session) {
                await antiEntropy.pullAll(timeout: .seconds(2))
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        defer { puller.cancel() }
        guard await replica.wait(for: session, timeout: sessionWait) else {
            throw ConnectError(.unavailable, "this replica cannot yet reach the writes your session names; retry, or use another replica")
        }
    }

    public func reply(_ draft: BulletinDraft, session: VersionVector) async throws -> BulletinItem {
        try await postReply(draft, parent: find(draft.parentId, session: session), session: session)
    }

    func find(_ id: Int64, session: VersionVector) async throws -> BulletinItem? {
        try await catchUp(to: session)
        if let item = try await replica.readDurably({ $0.item(id) }) { return item }
        // A parent this replica has not heard of yet may exist elsewhere: pull once.
        await antiEntropy.pullAll(timeout: .seconds(2))
        return try await replica.readDurably { $0.item(id) }
    }

    public func page(before cursor: Int64?, size: Int, session: VersionVector) async throws -> (articles: [ArticleSummary], next: Int64?) {
        try await catchUp(to: session)
        return try await replica.readDurably { $0.page(before: cursor, size: size) }
    }

    public func thread(_ id: Int64, session: VersionVector) async throws -> ArticleThread? {
        try await catchUp(to: session)
        return try await replica.readDurably { $0.thread(id) }
    }

    public func sync() async throws -> Int { await antiEntropy.pullAll() }

    public func run() async { await antiEntropy.run(every: interval) }
}
