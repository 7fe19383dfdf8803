import RegisterCore
import ReplicaMath

extension RegisterSimulation {
    mutating func handle(_ event: Event) {
        if settings.recordTrace { trace.append("\(now) \(event)") }
        switch event {
        case .request(let from, let to, let incarnation, let operation, let request):
            serve(request, at: to, from: from, replyIncarnation: incarnation, operation: operation)
        case .reply(let to, let incarnation, let from, let operation, var reply):
            guard let node = nodes[to], node.up, node.incarnation == incarnation else { return }
            if settings.acknowledgeRefusedOffers, from != to, case .offered(let answer) = reply {
                switch answer {
                case .newer, .newerUnvouched: reply = .offered(.held)
                default: break
                }
            }
            nodes[to]?.core.receive(reply, from: from, for: operation)
            perform(at: to)
        case .timeout(let node, let incarnation, let peer, let operation, let kind):
            guard let state = nodes[node], state.up, state.incarnation == incarnation else { return }
            nodes[node]?.core.receive(.failed(kind, reason: "timed out"), from: peer, for: operation)
            perform(at: node)
        case .flush(let id, let incarnation):
            guard var node = nodes[id], node.up, node.incarnation == incarnation else { return }
            node.durable = node.replica.image
            let answers = node.unflushed
            node.unflushed = []
            node.flushScheduled = false
            nodes[id] = node
            for answer in answers {
                let reply = Event.reply(to: answer.to, incarnation: answer.incarnation, from: id, operation: answer.operation, answer.reply)
                if answer.to == id { schedule(reply, after: 0) } else { transmit(reply, from: id, to: answer.to) }
            }
        case .clientStart(let process):
            startClientOperation(process)
        case .clientGiveUp(let process, let serial):
            for id in ids {
                guard let found = inFlight[id]?.first(where: { $0.value.process == process && $0.value.serial == serial }) else { continue }
                inFlight[id]?[found.key] = nil
                record(found.value, outcome: .unknown, read: nil)
            }
        case .nemesis(let round):
            for victim in SimulatedNemesis.strike(round: round, ids: ids, random: &random, network: &network) { crash(victim) }
            schedule(.heal(round: round), after: 20 + below(100))
        case .heal:
            network.blocked = []
            for id in ids where nodes[id]?.up == false { restart(id) }
        }
    }

    /// A replica answers a request; the answer leaves at its next flush.
    mutating func serve(_ request: RegisterCoordinatorCore.Request, at id: String, from: String, replyIncarnation: Int, operation: UInt64) {
        guard var node = nodes[id], node.up else { return }
        let reply: RegisterCoordinatorCore.Reply
        switch request {
        case .query(let key):
            reply = .queried(node.replica.store.read(key))
        case .store(let key, let entry):
            _ = node.replica.keep(key, entry)
            reply = .stored
        case .offer(let key, let entry):
            reply = .offered(node.replica.offer(key, entry).answer)
        }
        node.unflushed.append((from, replyIncarnation, operation, reply))
        nodes[id] = node
        scheduleFlush(id)
    }

    mutating func scheduleFlush(_ id: String) {
        guard let node = nodes[id], !node.flushScheduled else { return }
        nodes[id]?.flushScheduled = true
        schedule(.flush(node: id, incarnation: node.incarnation), after: 1 + below(settings.maxFlush))
    }

    /// Carries out what the node's coordinator asked for.
    mutating func perform(at id: String) {
        guard let actions = nodes[id]?.core.takeActions(), let incarnation = nodes[id]?.incarnation else { return }
        for action in actions {
            switch action {
            case .send(let peer, let operation, let request):
                if case .store = request, fakesStore(at: id, operation) {
                    schedule(.reply(to: id, incarnation: incarnation, from: peer, operation: operation, .stored), after: 1)
                    continue
                }
                transmit(.request(from: id, to: peer, incarnation: incarnation, operation: operation, request), from: id, to: peer)
                let kind: RegisterCoordinatorCore.Kind = switch request {
                case .query: .query
                case .store: .store
                case .offer: .offer
                }
                schedule(.timeout(node: id, incarnation: incarnation, peer: peer, operation: operation, kind), after: settings.requestTimeout)
            case .queryLocal(let operation, let key):
                serve(.query(key: key), at: id, from: id, replyIncarnation: incarnation, operation: operation)
            case .storeLocal(let operation, let key, let entry):
                if fakesStore(at: id, operation) {
                    schedule(.reply(to: id, incarnation: incarnation, from: id, operation: operation, .stored), after: 0)
                    continue
                }
                serve(.store(key: key, entry: entry), at: id, from: id, replyIncarnation: incarnation, operation: operation)
            case .prepareLocal(let operation, let key, let entry):
                nodes[id]?.replica.prepare(key, entry)
                nodes[id]?.unflushed.append((id, incarnation, operation, .stored))
                scheduleFlush(id)
            case .reveal(_, let key, let entry):
                _ = nodes[id]?.replica.reveal(key, entry)
            case .abandon(_, _, let entry):
                nodes[id]?.replica.abandon(entry.version)
            case .complete(let operation, let result):
                guard let pending = inFlight[id]?.removeValue(forKey: operation) else { continue }
                switch result {
                case .success(.read(let entry)): record(pending, outcome: .ok, read: entry?.value)
                case .success(.wrote): record(pending, outcome: .ok, read: nil)
                case .failure: record(pending, outcome: .unknown, read: nil)
                }
            }
        }
    }

    /// `skipWriteBack`: a read's write-back store is answered without being made.
    func fakesStore(at id: String, _ operation: UInt64) -> Bool {
        settings.skipWriteBack && readOperations.contains("\(id)/\(operation)")
    }

    /// Sends `event` over the network: dropped, delayed (reordered) or duplicated by the dice,
    /// lost across a partition.
    mutating func transmit(_ event: Event, from: String, to: String) {
        for delay in network.delays(from: from, to: to, using: &random) { schedule(event, after: delay) }
    }

    /// Loses the node's volatile state: its coordinator, its answers not yet flushed, what it did
    /// since its last flush. Its clients' operations end with an unknown outcome.
    mutating func crash(_ id: String) {
        guard var node = nodes[id], node.up else { return }
        node.up = false
        node.incarnation += 1
        node.replica = RegisterReplica(restoring: node.durable)
        node.unflushed = []
        node.flushScheduled = false
        nodes[id] = node
        let lost = (inFlight[id] ?? [:]).sorted { $0.key < $1.key }
        inFlight[id] = [:]
        for (_, pending) in lost { record(pending, outcome: .unknown, read: nil) }
    }

    mutating func restart(_ id: String) {
        guard let node = nodes[id], !node.up else { return }
        nodes[id]?.up = true
        nodes[id]?.core = Self.core(id, members: ids, boot: node.incarnation, settings: settings)
    }
}
