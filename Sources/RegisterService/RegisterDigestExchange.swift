public import Cluster
import RegisterCore
public import Replication
public import RPC

/// The register's digest exchange: send this replica's key → version digest, store what the peer
/// has newer, push what it has older or lacks. Versions travel, not data, until they differ.
public struct RegisterDigestExchange: DigestExchange {
    let replica: ReplicaState

    public init(replica: ReplicaState) {
        self.replica = replica
    }

    public func exchange(with peer: String, over client: RPCClient, timeout: Duration, pushing: Bool) async throws -> (pulled: Int, pushed: Int) {
        let digest = replica.digest.map { RegisterV1.KeyVersion(key: $0.key, version: $0.value) }
        let response = try await client.call(RegisterV1.Replica.sync, RegisterV1.SyncRequest(digest: digest), options: CallOptions(timeout: timeout))
        let pulled = try await replica.store(response.newer.compactMap { item in item.entry.map { (item.key, $0) } })
        guard pushing, !response.missing.isEmpty else { return (pulled, 0) }
        let outgoing = response.missing.compactMap { key in replica.read(key).map { RegisterV1.ReplicaEntry(key: key, entry: $0) } }
        _ = try await client.call(RegisterV1.Replica.store, RegisterV1.StoreRequest(entries: outgoing), options: CallOptions(timeout: timeout))
        return (pulled, outgoing.count)
    }
}

extension AntiEntropy where Exchange == RegisterDigestExchange {
    public init(replica: ReplicaState, peers: PeerTransports, logger: Logger = .disabled) {
        self.init(exchange: RegisterDigestExchange(replica: replica), peers: peers, logger: logger)
    }

    /// Rebuilds a replica whose log was damaged: pulls every entry newer than its own from
    /// `required` distinct peers (a majority of the cluster, not counting this replica: that set
    /// meets every write quorum in a replica other than this one, so it holds every acknowledged
    /// write), retrying until it has them, then lets the replica answer again. Returns false if
    /// cancelled first.
    @discardableResult
    public func rebuild(required: Int, timeout: Duration = .seconds(10), retryEvery pause: Duration = .milliseconds(500)) async -> Bool {
        let replica = exchange.replica
        guard let damage = replica.rebuild.pending else { return true }
        logger.warning("rebuilding damaged storage from peers", [("damage", "\(damage)"), ("peers_needed", "\(required)")])
        guard let (answered, pulled) = await pullFromPeers(required: required, timeout: timeout, retryEvery: pause) else { return false }
        replica.forgetReplacedVersions()
        do {
            try replica.rebuild.finish()
        } catch {
            logger.error("rebuild: cannot clear the damage marker", [("error", "\(error)")])
            return false
        }
        logger.notice("rebuilt damaged storage from peers", [("entries_pulled", "\(pulled)"), ("peers", answered.joined(separator: ","))])
        return true
    }
}
