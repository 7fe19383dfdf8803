public import Cluster
public import RPC
import Synchronization

/// One role's side of an anti-entropy exchange with one peer: send this replica's digest (what
/// it holds, compactly), store what the peer holds newer, and — when `pushing` — send what the
/// peer lacks. The register exchanges key → version digests (pull and push); the bulletin
/// exchanges per-origin digests, paged (pull only: every replica pulls).
public protocol DigestExchange: Sendable {
    /// Returns how many items this replica stored (`pulled`) and sent (`pushed`).
    func exchange(with peer: String, over client: RPCClient, timeout: Duration, pushing: Bool) async throws -> (pulled: Int, pushed: Int)
}

/// Brings this replica and its peers to the same state by digest, for any role: one exchange
/// with every peer at once, at start (a restarted replica catches up on what it missed), then
/// periodically (replicas converge after partitions), and on demand.
///
/// Guarantees: an exchange with each peer per round, all peers concurrently, one peer's failure
/// costing nothing but its own exchange (logged at debug); `counts` add up what every round moved.
public struct AntiEntropy<Exchange: DigestExchange>: Sendable {
    /// Items anti-entropy moved since start, for `/metrics`.
    public final class Counts: Sendable {
        let pulledTotal = Atomic<Int>(0)
        let pushedTotal = Atomic<Int>(0)
        public var pulled: Int { pulledTotal.load(ordering: .relaxed) }
        public var pushed: Int { pushedTotal.load(ordering: .relaxed) }
    }

    public let exchange: Exchange
    let peers: PeerTransports
    public let logger: Logger
    public let counts = Counts()

    public init(exchange: Exchange, peers: PeerTransports, logger: Logger = .disabled) {
        self.exchange = exchange
        self.peers = peers
        self.logger = logger
    }

    /// One exchange with every peer; returns how many items moved each way.
    @discardableResult
    public func runOnce(timeout: Duration = .seconds(10), pushing: Bool = true) async -> (pulled: Int, pushed: Int) {
        let moved = await withTaskGroup(of: (pulled: Int, pushed: Int).self) { group in
            for (peer, client) in peers.clients {
                group.addTask {
                    do {
                        return try await exchange.exchange(with: peer, over: client, timeout: timeout, pushing: pushing)
                    } catch {
                        logger.debug("anti-entropy with peer failed", [("peer", peer), ("error", "\(error)")])
                        return (0, 0)
                    }
                }
            }
            return await group.reduce((pulled: 0, pushed: 0)) { ($0.pulled + $1.pulled, $0.pushed + $1.pushed) }
        }
        if moved.pulled + moved.pushed > 0 {
            logger.info("anti-entropy repaired", [("pulled", "\(moved.pulled)"), ("pushed", "\(moved.pushed)")])
        }
        counts.pulledTotal.add(moved.pulled, ordering: .relaxed)
        counts.pushedTotal.add(moved.pushed, ordering: .relaxed)
        return moved
    }

    /// Pulls from peers until `required` distinct ones have answered, retrying the others every
    /// `pause`: what a replica rebuilding damaged state needs before it may answer again.
    /// Returns the peers that answered and the items pulled, or nil if cancelled first.
    public func pullFromPeers(required: Int, timeout: Duration = .seconds(10),
                              retryEvery pause: Duration = .milliseconds(500)) async -> (peers: [String], pulled: Int)? {
        var done: Set<String> = []
        var pulled = 0
        while done.count < required {
            guard !Task.isCancelled else { return nil }
            for (peer, client) in peers.clients.sorted(by: { $0.key < $1.key }) where !done.contains(peer) {
                do {
                    pulled += try await exchange.exchange(with: peer, over: client, timeout: timeout, pushing: false).pulled
                    done.insert(peer)
                } catch {
                    logger.info("rebuild: peer did not answer; will retry", [("peer", peer), ("error", "\(error)")])
                }
            }
            if done.count < required { try? await Task.sleep(for: pause) }
        }
        counts.pulledTotal.add(pulled, ordering: .relaxed)
        return (done.sorted(), pulled)
    }

    /// Runs an exchange now and then every `interval` until cancelled.
    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            await runOnce()
            try? await Task.sleep(for: interval)
        }
    }
}
