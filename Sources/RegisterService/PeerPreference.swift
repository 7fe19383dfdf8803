import Synchronization

/// Which peers a coordinator asks first in a query phase.
///
/// A query needs answers from a majority, this node included, so asking ⌊N/2⌋ peers is enough
/// when they answer; asking every peer doubles the peer-side work for nothing. Each node prefers
/// the peers that follow it around the member ring (n1 asks n2, n2 asks n3, n3 asks n1), which
/// spreads the queries evenly. A peer whose query failed or timed out is *suspected* and asked
/// last until it answers a call again (every store goes to every peer, so a recovered peer is
/// noticed with the next write).
///
/// Guarantees: `order()` always lists every peer exactly once; suspicion only changes the order.
final class PeerPreference: Sendable {
    let ring: [ReplicaCalls]
    private let suspects = Mutex<Set<String>>([])

    /// `members` in cluster order; `peers` are the batchers of every member but `selfID`.
    init(members: [String], selfID: String, peers: [ReplicaCalls]) {
        let start = members.firstIndex(of: selfID) ?? 0
        let following = members.indices.map { members[(start + 1 + $0) % members.count] }
        ring = following.compactMap { id in peers.first { $0.peer == id } }
    }

    /// Every peer: unsuspected ones in ring order, then suspected ones in ring order.
    func order() -> [ReplicaCalls] {
        let suspected = suspects.withLock { $0 }
        if suspected.isEmpty { return ring }
        return ring.filter { !suspected.contains($0.peer) } + ring.filter { suspected.contains($0.peer) }
    }

    /// Whether no peer is suspected.
    var trustsEveryPeer: Bool { suspects.withLock { $0.isEmpty } }

    func suspect(_ peer: String) {
        _ = suspects.withLock { $0.insert(peer) }
    }

    func answered(_ peer: String) {
        suspects.withLock { suspects in
            if !suspects.isEmpty { suspects.remove(peer) }
        }
    }
}
