import RegisterCore
import RPC
import Synchronization

extension RegisterCoordinator {
    /// A one-round write: offers the version after this node's own to every peer.
    func offerWrite(_ key: String, value: String?, requestID: String?) async throws -> Version {
        let base = replica.read(key)?.version ?? .zero
        let entry = Entry(version: base.next(by: nextWriterID()), value: value)
        // From here on the offer may be held somewhere: a retry offers this same entry again.
        if let requestID { recent.withLock { $0.recordAttempt(requestID, key: key, entry: entry, offered: true) } }
        return try await offer(key, entry, requestID: requestID, again: false)
    }

    /// Offers `entry` to every peer and follows the `OfferRound` to its end: acknowledged at the
    /// entry's version, rewritten at a later one, or `unavailable` (outcome unknown).
    ///
    /// `again`: a retry's offer of an entry offered before. A first offer carries a version no
    /// replica has seen (its writer id is new) and reaches each peer at most once (the transport
    /// does not retry it), so a peer that holds something newer never held it, even when it cannot
    /// vouch for that from memory (`newerUnvouched`, e.g. this node lagged behind writes the peer
    /// has long forgotten replacing); only a repeated offer needs the peer's word.
    func offer(_ key: String, _ entry: Entry, requestID: String?, again: Bool) async throws -> Version {
        let waiter = OfferWaiter(round: OfferRound(replicas: replicaCount))
        for peer in peers {
            let id = peer.peer
            peer.offer(key, entry) { answer in
                if answer == .failed { self.preference.suspect(id) } else { self.preference.answered(id) }
                if !again, case .newerUnvouched(let version) = answer {
                    waiter.receive(.newer(version))
                } else {
                    waiter.receive(answer)
                }
            }
        }
        waiter.start()
        while true {
            switch try await waiter.next() {
            case .wait:
                continue
            case .storeLocally:
                // The entry can now only be completed: a retry stores it rather than offering it.
                if let requestID { recent.withLock { $0.recordAttempt(requestID, key: key, entry: entry) } }
                storeLocally(key, entry, reportingTo: waiter)
            case .acknowledge(let storeLocally):
                // Not needed for the quorum, but this node's next write to the key starts from it.
                if storeLocally { self.storeLocally(key, entry, reportingTo: nil) }
                return entry.version
            case .rewrite(let highest):
                if acknowledgeRefusedOffers {
                    try await storeQuorum(key, entry)
                    return entry.version
                }
                let rewritten = Entry(version: highest.next(by: nextWriterID()), value: entry.value)
                if let requestID { recent.withLock { $0.recordAttempt(requestID, key: key, entry: rewritten) } }
                try await storeQuorum(key, rewritten)
                return rewritten.version
            case .unknown:
                throw ConnectError(.unavailable, "no majority settled the write of \(entry.version) (a peer did not answer, or could not vouch it never held it); the outcome is unknown")
            }
        }
    }

    /// Stores the entry on this replica; durably before reporting to `waiter` (the fsync on the
    /// log's thread, so this event loop can take the other peer's answer meanwhile, which often
    /// settles the round first), and without waiting once the round is finished (nobody counts on
    /// this copy then).
    private func storeLocally(_ key: String, _ entry: Entry, reportingTo waiter: OfferWaiter?) {
        let replica = self.replica
        RPCContext.detach {
            do {
                let counted = waiter.map { !$0.isFinished } ?? false
                try await replica.store([(key, entry)], durability: counted ? .waitOffLoop : .background)
                waiter?.localStoreFinished(succeeded: true)
            } catch {
                waiter?.localStoreFinished(succeeded: false)
            }
        }
    }
}
