import BulletinCore
import Synchronization
public import Cluster
public import RPC

/// Brings this replica up to date with its peers by digest: send what we hold (per origin,
/// compactly), receive only what we lack. Runs at start, periodically, and on demand (Sync).
public struct BoardAntiEntropy: Sendable {
    /// Items anti-entropy brought here since start, for `/metrics`.
    public final class Counts: Sendable {
        let pulledTotal = Atomic<Int>(0)
        public var pulled: Int { pulledTotal.load(ordering: .relaxed) }
    }

    let replica: BoardReplica
    let peers: PeerTransports
    let logger: Logger
    public let counts = Counts()

    public init(replica: BoardReplica, peers: PeerTransports, logger: Logger = .disabled) {
        self.replica = replica
        self.peers = peers
        self.logger = logger
    }

    /// Pulls from every peer concurrently; returns how many items this replica gained.
    @discardableResult
    public func pullAll(timeout: Duration = .seconds(5)) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for (peer, client) in peers.clients {
                group.addTask { await pull(from: peer, client, timeout: timeout) }
            }
            let gained = await group.reduce(0, +)
            counts.pulledTotal.add(gained, ordering: .relaxed)
            return gained
        }
    }

    func pull(from peer: String, _ client: RPCClient, timeout: Duration) async -> Int {
        var gained = 0
        do {
            while true {
                let request = BulletinV1.PullRequest(digest: replica.read { $0.digest }, limit: 5000)
                let response = try await client.call(BulletinV1.Replica.pull, request, options: CallOptions(timeout: timeout))
                gained += try await replica.store(try response.items.boardItems())
                if !response.more || response.items.isEmpty { break }
            }
        } catch {
            logger.debug("pull from peer failed", [("peer", peer), ("error", "\(error)")])
        }
        return gained
    }

    /// Pulls now and then every `interval` until cancelled.
    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            let gained = await pullAll()
            if gained > 0 { logger.info("anti-entropy pulled items", [("count", "\(gained)")]) }
            try? await Task.sleep(for: interval)
        }
    }
}
