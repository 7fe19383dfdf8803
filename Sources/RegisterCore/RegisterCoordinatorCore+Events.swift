extension RegisterCoordinatorCore {
    /// Starts a read of `key`.
    public mutating func startRead(_ key: String) -> OperationID {
        let id = newOperation(Operation(key: key, value: nil, requestID: nil, phase: .starting))
        startQuery(id, write: false)
        return id
    }

    /// Starts a write of `value` (nil: delete). `localVersion`: the version this node's replica
    /// stores for the key now (a one-round write offers the one after it).
    public mutating func startWrite(_ key: String, value: String?, requestID: String?, localVersion: Version?) -> OperationID {
        if let requestID {
            if let version = requests.versions[requestID] {
                let id = newOperation(Operation(key: key, value: value, requestID: nil, phase: .starting))
                complete(id, .success(.wrote(version)))
                return id
            }
            if let running = requests.running[requestID], operations[running] != nil {
                let id = nextOperation
                nextOperation += 1
                operations[running]?.joiners.append(id)
                return id
            }
        }
        let id = newOperation(Operation(key: key, value: value, requestID: requestID, phase: .starting))
        if let requestID {
            requests.running[requestID] = id
            if let attempt = requests.attempted[requestID] {
                if attempt.offered {
                    startOffer(id, entry: attempt.entry, repeated: true)
                } else {
                    startStore(id, entry: attempt.entry, outcome: .wrote(attempt.entry.version))
                }
                return id
            }
        }
        if oneRoundWrites, suspects.isEmpty {
            let entry = Entry(version: (localVersion ?? .zero).next(by: nextWriterID()), value: value)
            // From here on the offer may be held somewhere: a retry offers this same entry again.
            requests.recordAttempt(requestID, key: key, entry: entry, offered: true)
            startOffer(id, entry: entry, repeated: false)
        } else {
            startQuery(id, write: true)
        }
        return id
    }

    /// What `participant` (a peer, or `selfID` for this node's replica) brought back for `operation`.
    public mutating func receive(_ reply: Reply, from participant: String, for operation: OperationID) {
        guard let current = operations[operation] else { return }
        noteHealth(reply, from: participant)
        switch (current.phase, reply) {
        case (.query(var phase, let write), .queried(let entry)):
            guard phase.count.count(participant, succeeded: true) else { return }
            phase.replies.append(entry)
            operations[operation]?.phase = .query(phase, write: write)
            queryAdvanced(operation)
        case (.query(var phase, let write), .failed(.query, let reason)):
            guard phase.count.count(participant, succeeded: false, reason: reason) else { return }
            if phase.asked < phase.order.count {
                let next = phase.order[phase.asked]
                phase.asked += 1
                actions.append(.send(peer: next, operation: operation, .query(key: current.key)))
            }
            operations[operation]?.phase = .query(phase, write: write)
            queryAdvanced(operation)
        case (.store(var count, let entry, let outcome), .stored):
            guard count.count(participant, succeeded: true) else { return }
            operations[operation]?.phase = .store(count, entry: entry, outcome: outcome)
            storeAdvanced(operation)
        case (.store(var count, let entry, let outcome), .failed(.store, let reason)):
            guard count.count(participant, succeeded: false, reason: reason) else { return }
            operations[operation]?.phase = .store(count, entry: entry, outcome: outcome)
            storeAdvanced(operation)
        case (.offer, .offered(let answer)) where participant != selfID:
            offerAnswered(operation, answer, from: participant)
        case (.offer, .failed(.offer, _)) where participant != selfID:
            offerAnswered(operation, .failed, from: participant)
        case (.offer(var phase), .stored) where participant == selfID && phase.localDurable == nil:
            phase.localDurable = true
            operations[operation]?.phase = .offer(phase)
            if phase.revealed { step(operation) { $0.localStoreFinished(succeeded: true) } }
        case (.offer(var phase), .failed(.store, _)) where participant == selfID && phase.localDurable == nil:
            phase.localDurable = false
            operations[operation]?.phase = .offer(phase)
            if phase.revealed { step(operation) { $0.localStoreFinished(succeeded: false) } }
        default:
            // An answer to an earlier phase, or of the wrong kind: nothing to count.
            break
        }
    }

    /// Peer preference: a failed query or offer makes a peer suspect; any answer clears it.
    mutating func noteHealth(_ reply: Reply, from participant: String) {
        guard participant != selfID else { return }
        switch reply {
        case .failed(.store, _):
            break
        case .failed, .offered(.failed):
            suspects.insert(participant)
        default:
            if !suspects.isEmpty { suspects.remove(participant) }
        }
    }

    /// Ends `operation` and every call that joined it.
    mutating func complete(_ operation: OperationID, _ result: Result<Outcome, Failure>) {
        guard let finished = operations.removeValue(forKey: operation) else { return }
        if case .offer(let phase) = finished.phase, !phase.revealed {
            actions.append(.abandon(operation: operation, key: finished.key, entry: phase.entry))
        }
        if let requestID = finished.requestID {
            if requests.running[requestID] == operation { requests.running[requestID] = nil }
            if case .success(.wrote(let version)) = result { requests.remember(requestID, version) }
        }
        actions.append(.complete(operation: operation, result))
        for joiner in finished.joiners { actions.append(.complete(operation: joiner, result)) }
    }
}
