import BulletinCore
public import Cluster
public import Replication
public import RPC

/// The bulletin's digest exchange: send what this replica holds (per origin, compactly) and
/// receive only what it lacks, page by page. Pull only: every replica pulls from the others.
public struct BulletinDigestExchange: DigestExchange {
    let replica: BulletinReplica
    /// Items per page of a pull.
    let pageSize: Int32 = 5000

    public init(replica: BulletinReplica) {
        self.replica = replica
    }

    public func exchange(with peer: String, over client: RPCClient, timeout: Duration, pushing: Bool) async throws -> (pulled: Int, pushed: Int) {
        var gained = 0
        while true {
            let request = BulletinV1.PullRequest(digest: replica.read { $0.digest }, limit: pageSize)
            let response = try await client.call(BulletinV1.Replica.pull, request, options: CallOptions(timeout: timeout))
            gained += try await replica.store(try response.items.boardItems())
            if !response.more || response.items.isEmpty { break }
        }
        return (gained, 0)
    }
}

extension AntiEntropy where Exchange == BulletinDigestExchange {
    public init(replica: BulletinReplica, peers: PeerTransports, logger: Logger = .disabled) {
        self.init(exchange: BulletinDigestExchange(replica: replica), peers: peers, logger: logger)
    }

    /// Pulls from every peer at once; returns how many items this replica gained.
    @discardableResult
    public func pullAll(timeout: Duration = .seconds(5)) async -> Int {
        await runOnce(timeout: timeout, pushing: false).pulled
    }
}
