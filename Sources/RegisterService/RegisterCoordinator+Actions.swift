import RegisterCore
import RPC
import Synchronization

extension RegisterCoordinator {
    /// Performs the core's actions in the order the core lists them. The order matters: an
    /// offer's local copy is registered in `prepared` before the offers leave, since a peer's
    /// answer (on another thread) may at once ask to reveal or abandon it.
    func perform(_ actions: [RegisterCoordinatorCore.Action]) {
        for action in actions {
            switch action {
            case .send(let peer, let operation, let request):
                send(request, to: peer, for: operation)
            case .queryLocal(let operation, let key):
                replica.query(key) { result in
                    switch result {
                    case .success(let entry): self.feed(.queried(entry), from: self.selfID, for: operation)
                    case .failure(let error): self.feed(.failed(.query, reason: "local replica: \(error)"), from: self.selfID, for: operation)
                    }
                }
            case .storeLocal(let operation, let key, let entry):
                replica.store(key, entry) { error in
                    self.feed(error.map { .failed(.store, reason: "local replica: \($0)") } ?? .stored, from: self.selfID, for: operation)
                }
            case .prepareLocal(let operation, let key, let entry):
                let prepared = replica.prepare(key, entry)
                driver.withLock { $0.prepared[operation] = prepared }
                replica.whenDurable(prepared) { error in
                    self.feed(error.map { .failed(.store, reason: "local replica: \($0)") } ?? .stored, from: self.selfID, for: operation)
                }
            case .reveal(let operation, _, _):
                if let prepared = driver.withLock({ $0.prepared.removeValue(forKey: operation) }) { replica.reveal(prepared) }
            case .abandon(let operation, _, _):
                if let prepared = driver.withLock({ $0.prepared.removeValue(forKey: operation) }) { replica.abandon(prepared) }
            case .complete(let operation, let result):
                let waiter = driver.withLock { driver -> CheckedContinuation<RegisterCoordinatorCore.Outcome, any Error>? in
                    driver.running.remove(operation)
                    if let waiter = driver.waiters.removeValue(forKey: operation) { return waiter }
                    if driver.abandoned.remove(operation) == nil { driver.early[operation] = result }
                    return nil
                }
                waiter?.resume(with: result.mapError(Self.error))
            }
        }
    }

    func send(_ request: RegisterCoordinatorCore.Request, to peer: String, for operation: RegisterCoordinatorCore.OperationID) {
        guard let calls = peers[peer] else {
            let kind: RegisterCoordinatorCore.Kind = switch request {
            case .query: .query
            case .store: .store
            case .offer: .offer
            }
            return feed(.failed(kind, reason: "\(peer): no transport"), from: peer, for: operation)
        }
        switch request {
        case .query(let key):
            calls.query(key) { result in
                switch result {
                case .success(let entry): self.feed(.queried(entry), from: peer, for: operation)
                case .failure(let error): self.feed(.failed(.query, reason: "\(peer): \(error.message)"), from: peer, for: operation)
                }
            }
        case .store(let key, let entry):
            calls.store(key, entry) { result in
                switch result {
                case .success: self.feed(.stored, from: peer, for: operation)
                case .failure(let error): self.feed(.failed(.store, reason: "\(peer): \(error.message)"), from: peer, for: operation)
                }
            }
        case .offer(let key, let entry):
            calls.offer(key, entry) { answer in self.feed(.offered(answer), from: peer, for: operation) }
        }
    }
}
