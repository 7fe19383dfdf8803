extension RegisterCoordinatorCore {
    /// Asks this node and ⌊N/2⌋ peers (a majority when all answer), in preference order.
    mutating func startQuery(_ operation: OperationID, write: Bool) {
        guard let key = operations[operation]?.key else { return }
        let order = preferenceOrder
        let first = min(replicas / 2, order.count)
        operations[operation]?.phase = .query(QueryPhase(order: order, asked: first), write: write)
        for peer in order.prefix(first) { actions.append(.send(peer: peer, operation: operation, .query(key: key))) }
        actions.append(.queryLocal(operation: operation, key: key))
    }

    mutating func queryAdvanced(_ operation: OperationID) {
        guard let current = operations[operation], case .query(let phase, let write) = current.phase else { return }
        if phase.count.failures.count > replicas - quorum {
            return complete(operation, .failure(.noMajority(phase.count.failures)))
        }
        guard phase.count.successes >= quorum else { return }
        if write {
            let entry = Entry(version: ReadDecision.nextVersion(after: phase.replies, writer: nextWriterID()), value: current.value)
            // From here on the write may take effect: a retry must reuse this version.
            requests.recordAttempt(current.requestID, key: current.key, entry: entry)
            return startStore(operation, entry: entry, outcome: .wrote(entry.version))
        }
        switch ReadDecision.decide(phase.replies) {
        case .answer(let entry):
            complete(operation, .success(.read(entry)))
        case .writeBack(let entry):
            startStore(operation, entry: entry, outcome: .read(entry))
        }
    }

    /// Stores `entry` on every replica; done once a majority holds it durably.
    mutating func startStore(_ operation: OperationID, entry: Entry, outcome: Outcome) {
        guard let key = operations[operation]?.key else { return }
        operations[operation]?.phase = .store(QuorumCount(), entry: entry, outcome: outcome)
        for peer in ring { actions.append(.send(peer: peer, operation: operation, .store(key: key, entry: entry))) }
        actions.append(.storeLocal(operation: operation, key: key, entry: entry))
    }

    mutating func storeAdvanced(_ operation: OperationID) {
        guard let current = operations[operation], case .store(let count, _, let outcome) = current.phase else { return }
        if count.successes >= quorum { return complete(operation, .success(outcome)) }
        if count.failures.count > replicas - quorum { complete(operation, .failure(.noMajority(count.failures))) }
    }

    /// Offers `entry` to every peer and logs this node's copy, hidden until the round allows.
    mutating func startOffer(_ operation: OperationID, entry: Entry, repeated: Bool) {
        guard let key = operations[operation]?.key else { return }
        operations[operation]?.phase = .offer(OfferPhase(round: OfferRound(replicas: replicas, repeated: repeated), entry: entry))
        // The local copy first: a peer's answer may reach the shell as soon as the offer leaves,
        // and may ask to reveal or abandon a copy the shell must already hold (the offers still
        // overlap its fsync: preparing only queues the record).
        actions.append(.prepareLocal(operation: operation, key: key, entry: entry))
        for peer in ring { actions.append(.send(peer: peer, operation: operation, .offer(key: key, entry: entry))) }
        step(operation) { $0.start() }
    }

    mutating func offerAnswered(_ operation: OperationID, _ answer: OfferRound.Answer, from peer: String) {
        guard case .offer(var phase) = operations[operation]?.phase, phase.answered.insert(peer).inserted else { return }
        operations[operation]?.phase = .offer(phase)
        step(operation) { $0.receive(answer) }
    }

    /// Feeds the operation's `OfferRound` and carries out the step it takes.
    mutating func step(_ operation: OperationID, _ event: (inout OfferRound) -> OfferRound.Step) {
        guard let current = operations[operation], case .offer(var phase) = current.phase else { return }
        let next = event(&phase.round)
        operations[operation]?.phase = .offer(phase)
        switch next {
        case .wait:
            break
        case .storeLocally:
            // The entry can now only be completed: a retry stores it rather than offering it.
            requests.recordAttempt(current.requestID, key: current.key, entry: phase.entry)
            phase.revealed = true
            operations[operation]?.phase = .offer(phase)
            actions.append(.reveal(operation: operation, key: current.key, entry: phase.entry))
            if let durable = phase.localDurable { step(operation) { $0.localStoreFinished(succeeded: durable) } }
        case .acknowledge(let storeLocally):
            // Not needed for the quorum, but this node's next write to the key starts from it.
            if storeLocally, !phase.revealed {
                phase.revealed = true
                operations[operation]?.phase = .offer(phase)
                actions.append(.reveal(operation: operation, key: current.key, entry: phase.entry))
            }
            complete(operation, .success(.wrote(phase.entry.version)))
        case .rewrite(let highest):
            actions.append(.abandon(operation: operation, key: current.key, entry: phase.entry))
            let rewritten = Entry(version: highest.next(by: nextWriterID()), value: phase.entry.value)
            requests.recordAttempt(current.requestID, key: current.key, entry: rewritten)
            startStore(operation, entry: rewritten, outcome: .wrote(rewritten.version))
        case .unknown:
            complete(operation, .failure(.unsettled(phase.entry.version)))
        }
    }
}
