public import BulletinCore
public import Cluster
public import Replication
public import RPC

/// The quorum mode: a post is acknowledged once `writeQuorum` replicas (this one included)
/// hold it durably; a read merges `readQuorum` replicas. With NR + NW > N every read overlaps
/// every acknowledged write, so it sees every acknowledged post. Anti-entropy repairs replicas
/// that missed writes; reads repair this replica.
public struct QuorumBulletin: ConsistencyMode {
    public let replica: BulletinReplica
    let peers: PeerTransports
    let pushers: [(peer: String, batcher: PeerBatcher<ItemPush>)]
    let readQuorum: Int
    let writeQuorum: Int
    let peerTimeout: Duration
    public let antiEntropy: AntiEntropy<BulletinDigestExchange>
    let interval: Duration

    public init(replica: BulletinReplica, peers: PeerTransports, readQuorum: Int, writeQuorum: Int, peerTimeout: Duration,
                antiEntropyInterval: Duration, logger: Logger = .disabled) {
        self.replica = replica
        self.peers = peers
        pushers = peers.clients.map { ($0.key, PeerBatcher(pushingTo: $0.value, timeout: peerTimeout)) }
        self.readQuorum = readQuorum
        self.writeQuorum = writeQuorum
        self.peerTimeout = peerTimeout
        antiEntropy = AntiEntropy(replica: replica, peers: peers, logger: logger)
        interval = antiEntropyInterval
    }

    public func post(_ draft: BulletinDraft, session: VersionVector) async throws -> BulletinItem {
        // Peers get the item while this replica's copy reaches the disk.
        let (item, lsn) = try replica.prepare(draft)
        let needed = writeQuorum - 1
        guard needed > 0 else {
            for pusher in pushers { pusher.batcher.enqueue(ItemPush(item: item)) }
            try await replica.durable(lsn)
            return item
        }
        let writeQuorum = writeQuorum
        let stored = QuorumWait<Void>(participants: pushers.count, needed: needed) { _ in
            ConnectError(.unavailable, "fewer than \(writeQuorum) replicas stored the post; it may or may not appear (retry with the same request id)")
        }
        async let local: Void = replica.durable(lsn)
        for (peer, pusher) in pushers {
            pusher.enqueue(ItemPush(item: item) { ok in
                stored.deliver(ok ? .success(()) : .failure(ConnectError(.unavailable, "did not store it")), from: peer)
            })
        }
        let shortfall: (any Error)?
        do {
            _ = try await stored.wait()
            shortfall = nil
        } catch {
            shortfall = error
        }
        try await local
        if let shortfall { throw shortfall }
        return item
    }

    /// This replica's items plus those of enough peers to make `readQuorum`, repairing this
    /// replica with what it lacked.
    func merged(_ request: BulletinV1.ReadRequest, local: [BulletinItem]) async throws -> Bulletin {
        let needed = readQuorum - 1
        var board = Bulletin()
        for item in local { board.insert(item) }
        guard needed > 0 else { return board }
        let options = CallOptions(timeout: peerTimeout)
        let readQuorum = readQuorum
        let answered = QuorumWait<[BulletinItem]>(participants: peers.clients.count, needed: needed) { _ in
            ConnectError(.unavailable, "fewer than \(readQuorum) replicas answered the read")
        }
        let answers = try await withThrowingTaskGroup(of: Void.self) { group in
            for (peer, client) in peers.clients {
                group.addTask {
                    do {
                        answered.deliver(.success(try await client.call(BulletinV1.Replica.read, request, options: options).items.boardItems()), from: peer)
                    } catch {
                        answered.deliver(.failure(ConnectError(.unavailable, "\(error)")), from: peer)
                    }
                }
            }
            defer { group.cancelAll() }
            return try await answered.wait()
        }
        for items in answers.values { for item in items { board.insert(item) } }
        let known = Set(local.map(\.id))
        let repairs = board.items.values.filter { !known.contains($0.id) }
        if !repairs.isEmpty { Task { [replica] in _ = try? await replica.store(Array(repairs)) } }
        return board
    }

    public func reply(_ draft: BulletinDraft, session: VersionVector) async throws -> BulletinItem {
        try await postReply(draft, parent: find(draft.parentId, session: session), session: session)
    }

    func find(_ id: Int64, session: VersionVector) async throws -> BulletinItem? {
        try await merged(BulletinV1.ReadRequest(threadId: id), local: try await replica.readDurably { $0.threadItems(id) }).item(id)
    }

    /// One article more than the page is read from every replica: the merged board then knows
    /// whether older articles exist, and so whether to hand out a next-page token.
    public func page(before cursor: Int64?, size: Int, session: VersionVector) async throws -> (articles: [ArticleSummary], next: Int64?) {
        let local = try await replica.readDurably { $0.pageItems(before: cursor, size: size + 1) }
        let board = try await merged(BulletinV1.ReadRequest(before: cursor ?? 0, pageSize: Int32(size + 1)), local: local)
        return board.page(before: cursor, size: size)
    }

    public func thread(_ id: Int64, session: VersionVector) async throws -> ArticleThread? {
        let local = try await replica.readDurably { $0.threadItems(id) }
        return try await merged(BulletinV1.ReadRequest(threadId: id), local: local).thread(id)
    }

    public func sync() async throws -> Int { await antiEntropy.pullAll() }

    public func run() async { await antiEntropy.run(every: interval) }
}
