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

    /// This node's copy of an offered entry: logged at once, so its fsync overlaps with the peers',
    /// and shown (`reveal`) only when the round allows. The log reports its durability by a
    /// callback (no task waits for it), remembered here until the round asks.
    final class LocalCopy: Sendable {
        enum Durability {
            case pending([@Sendable (Bool) -> Void])
            case finished(succeeded: Bool)
        }

        let prepared: ReplicaState.PreparedEntry
        private let durability = Mutex(Durability.pending([]))

        init(replica: ReplicaState, key: String, entry: Entry) {
            prepared = replica.prepare(key, entry)
            replica.whenDurable(prepared) { [self] error in finish(succeeded: error == nil) }
        }

        /// Calls `done` once the copy is durable (or failed to be): at once if it already is.
        func whenDurable(_ done: @escaping @Sendable (Bool) -> Void) {
            let finished = durability.withLock { durability -> Bool? in
                switch durability {
                case .pending(var waiting):
                    waiting.append(done)
                    durability = .pending(waiting)
                    return nil
                case .finished(let succeeded):
                    return succeeded
                }
            }
            if let finished { done(finished) }
        }

        private func finish(succeeded: Bool) {
            let waiting = durability.withLock { durability -> [@Sendable (Bool) -> Void] in
                defer { durability = .finished(succeeded: succeeded) }
                if case .pending(let waiting) = durability { return waiting }
                return []
            }
            for done in waiting { done(succeeded) }
        }
    }

    /// Offers `entry` to every peer and follows the `OfferRound` to its end: acknowledged at the
    /// entry's version, rewritten at a later one, or `unavailable` (outcome unknown).
    ///
    /// `again`: a retry's offer of an entry offered before (see `OfferRound.repeated`).
    func offer(_ key: String, _ entry: Entry, requestID: String?, again: Bool) async throws -> Version {
        let waiter = OfferWaiter(round: OfferRound(replicas: replicaCount, repeated: again))
        // The offers go out first (their sends are queued before the local copy's work).
        for peer in peers {
            let id = peer.peer
            peer.offer(key, entry) { answer in
                if answer == .failed { self.preference.suspect(id) } else { self.preference.answered(id) }
                waiter.receive(answer)
            }
        }
        let local = LocalCopy(replica: replica, key: key, entry: entry)
        // Unless the round showed it, the prepared copy is dropped (its record stays logged).
        defer { replica.abandon(local.prepared) }
        waiter.start()
        while true {
            switch try await waiter.next() {
            case .wait:
                continue
            case .storeLocally:
                // The entry can now only be completed: a retry stores it rather than offering it.
                if let requestID { recent.withLock { $0.recordAttempt(requestID, key: key, entry: entry) } }
                replica.reveal(local.prepared)
                local.whenDurable { waiter.localStoreFinished(succeeded: $0) }
            case .acknowledge(let storeLocally):
                // Not needed for the quorum, but this node's next write to the key starts from it.
                if storeLocally { replica.reveal(local.prepared) }
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
}
