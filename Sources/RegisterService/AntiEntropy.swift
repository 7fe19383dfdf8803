public import Cluster
import RegisterCore
import Synchronization
public import RPC

/// Brings this replica and its peers to the same entries by exchanging versions, not data:
/// send our digest (key → version), store what the peer has newer, push what we have newer.
///
/// Runs at start (a restarted replica catches up on what it missed) and then periodically
/// (replicas converge after partitions).
public struct AntiEntropy: Sendable {
    /// Entries anti-entropy moved since start, for `/metrics`.
    public final class Counts: Sendable {
        let pulledTotal = Atomic<Int>(0)
        let pushedTotal = Atomic<Int>(0)
        public var pulled: Int { pulledTotal.load(ordering: .relaxed) }
        public var pushed: Int { pushedTotal.load(ordering: .relaxed) }
    }

    let replica: ReplicaState
    let peers: PeerTransports
    let logger: Logger
    public let counts = Counts()

    public init(replica: ReplicaState, peers: PeerTransports, logger: Logger = .disabled) {
        self.replica = replica
        self.peers = peers
        self.logger = logger
    }

    /// One exchange with every peer; returns how many entries moved each way.
    @discardableResult
    public func runOnce(timeout: Duration = .seconds(10)) async -> (pulled: Int, pushed: Int) {
        var pulled = 0
        var pushed = 0
        for (peer, client) in peers.clients.sorted(by: { $0.key < $1.key }) {
            do {
                let digest = replica.digest.map { RegisterV1.KeyVersion(key: $0.key, version: $0.value) }
                let response = try await client.call(RegisterV1.Replica.sync, RegisterV1.SyncRequest(digest: digest), options: CallOptions(timeout: timeout))
                let incoming = response.newer.compactMap { item in item.entry.map { (item.key, $0) } }
                pulled += try await replica.store(incoming)
                if !response.missing.isEmpty {
                    let outgoing = response.missing.compactMap { key in replica.read(key).map { RegisterV1.ReplicaEntry(key: key, entry: $0) } }
                    _ = try await client.call(RegisterV1.Replica.store, RegisterV1.StoreRequest(entries: outgoing), options: CallOptions(timeout: timeout))
                    pushed += outgoing.count
                }
            } catch {
                logger.debug("anti-entropy with peer failed", [("peer", peer), ("error", "\(error)")])
            }
        }
        if pulled + pushed > 0 { logger.info("anti-entropy repaired entries", [("pulled", "\(pulled)"), ("pushed", "\(pushed)")]) }
        counts.pulledTotal.add(pulled, ordering: .relaxed)
        counts.pushedTotal.add(pushed, ordering: .relaxed)
        return (pulled, pushed)
    }

    /// Rebuilds a replica whose log was damaged: pulls every entry newer than its own from
    /// `required` distinct peers (a majority of the cluster, not counting this replica: that set
    /// meets every write quorum in a replica other than this one, so it holds every acknowledged
    /// write), retrying until it has them, then lets the replica answer again. Returns false if
    /// cancelled first.
    @discardableResult
    public func rebuild(required: Int, timeout: Duration = .seconds(10), retryEvery pause: Duration = .milliseconds(500)) async -> Bool {
        guard let damage = replica.rebuild.pending else { return true }
        logger.warning("rebuilding damaged storage from peers", [("damage", "\(damage)"), ("peers_needed", "\(required)")])
        var done: Set<String> = []
        var pulled = 0
        while done.count < required {
            guard !Task.isCancelled else { return false }
            for (peer, client) in peers.clients.sorted(by: { $0.key < $1.key }) where !done.contains(peer) {
                do {
                    let digest = replica.digest.map { RegisterV1.KeyVersion(key: $0.key, version: $0.value) }
                    let response = try await client.call(RegisterV1.Replica.sync, RegisterV1.SyncRequest(digest: digest), options: CallOptions(timeout: timeout))
                    pulled += try await replica.store(response.newer.compactMap { item in item.entry.map { (item.key, $0) } })
                    done.insert(peer)
                } catch {
                    logger.info("rebuild: peer did not answer; will retry", [("peer", peer), ("error", "\(error)")])
                }
            }
            if done.count < required { try? await Task.sleep(for: pause) }
        }
        replica.forgetReplacedVersions()
        do {
            try replica.rebuild.finish()
        } catch {
            logger.error("rebuild: cannot clear the damage marker", [("error", "\(error)")])
            return false
        }
        logger.notice("rebuilt damaged storage from peers", [("entries_pulled", "\(pulled)"), ("peers", done.sorted().joined(separator: ","))])
        return true
    }

    /// Runs an exchange now and then every `interval` until cancelled.
    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            await runOnce()
            try? await Task.sleep(for: interval)
        }
    }
}
