import BulletinCore
import ReplicaMath

extension BulletinSimulation {
    mutating func handle(_ event: Event) {
        switch event {
        case .request(let from, let to, let incarnation, let operation, let message):
            serve(message, at: to, replyingTo: from, incarnation: incarnation, operation: operation)
        case .answer(let to, let incarnation, let from, let operation, let answer):
            guard let node = nodes[to], node.up, node.incarnation == incarnation else { return }
            received(answer, at: to, from: from, for: operation)
        case .timeout(let node, let incarnation, let peer, let operation):
            guard let state = nodes[node], state.up, state.incarnation == incarnation else { return }
            failed(peer, operation)
        case .flush(let id, let incarnation):
            guard var node = nodes[id], node.up, node.incarnation == incarnation else { return }
            node.durable = node.board
            let answers = node.unflushed
            node.unflushed = []
            node.flushScheduled = false
            nodes[id] = node
            for answer in answers { reply(answer.answer, from: id, to: answer.to, incarnation: answer.incarnation, operation: answer.operation) }
        case .sessionCheck(let operation):
            continueWaiting(operation)
        case .clientStart(let process):
            startCall(process)
        case .clientGiveUp(let process, let serial):
            if let (operation, _) = calls.first(where: { $0.value.process == process && $0.value.serial == serial }) {
                finish(operation, outcome: .unknown)
            }
        case .antiEntropy:
            for id in ids where nodes[id]?.up == true {
                let peers = ids.filter { $0 != id }
                pull(at: id, from: peers[Int(below(UInt64(peers.count)))])
            }
            if clientsDone < settings.clients { schedule(.antiEntropy, after: settings.antiEntropyEvery) }
        case .nemesis(let round):
            for victim in SimulatedNemesis.strike(round: round, ids: ids, random: &random, network: &network) { crash(victim) }
            schedule(.heal, after: 20 + below(100))
        case .heal:
            network.blocked = []
            for id in ids where nodes[id]?.up == false { restart(id) }
        }
    }

    /// A replica does what a message asks; its answer leaves at its next flush (at once with
    /// `showUnflushed`, for reads and pulls).
    mutating func serve(_ message: Message, at id: String, replyingTo from: String, incarnation: Int, operation: UInt64) {
        guard var node = nodes[id], node.up else { return }
        let answer: Answer
        var immediate = false
        switch message {
        case .store(let items):
            for item in items { node.board.insert(item) }
            answer = .stored
        case .read:
            answer = .items(node.board.items.values.sorted { $0.id < $1.id }, node.board.vector)
            immediate = settings.showUnflushed
        case .pull(let digest):
            answer = .items(node.board.missing(from: digest), node.board.vector)
            immediate = settings.showUnflushed
        }
        if immediate {
            nodes[id] = node
            return reply(answer, from: id, to: from, incarnation: incarnation, operation: operation)
        }
        node.unflushed.append((from, incarnation, operation, answer))
        nodes[id] = node
        guard !node.flushScheduled else { return }
        nodes[id]?.flushScheduled = true
        schedule(.flush(node: id, incarnation: node.incarnation), after: 1 + below(settings.maxFlush))
    }

    mutating func reply(_ answer: Answer, from id: String, to: String, incarnation: Int, operation: UInt64) {
        let event = Event.answer(to: to, incarnation: incarnation, from: id, operation: operation, answer)
        if to == id { schedule(event, after: 0) } else { transmit(event, from: id, to: to) }
    }

    /// Sends a request and arms its timeout.
    mutating func send(_ message: Message, from id: String, to peer: String, operation: UInt64) {
        guard let incarnation = nodes[id]?.incarnation else { return }
        transmit(.request(from: id, to: peer, incarnation: incarnation, operation: operation, message), from: id, to: peer)
        schedule(.timeout(node: id, incarnation: incarnation, peer: peer, operation: operation), after: settings.requestTimeout)
    }

    mutating func transmit(_ event: Event, from: String, to: String) {
        for delay in network.delays(from: from, to: to, using: &random) { schedule(event, after: delay) }
    }

    /// Anti-entropy: `id` asks `peer` for what its digest lacks.
    mutating func pull(at id: String, from peer: String) {
        guard let node = nodes[id], node.up else { return }
        let operation = nextOperation
        nextOperation += 1
        pulls.insert(operation)
        send(.pull(node.board.digest), from: id, to: peer, operation: operation)
    }

    mutating func crash(_ id: String) {
        guard var node = nodes[id], node.up else { return }
        node.up = false
        node.incarnation += 1
        node.board = node.durable
        node.unflushed = []
        node.flushScheduled = false
        nodes[id] = node
        for (operation, call) in calls.sorted(by: { $0.key < $1.key }) where call.node == id { finish(operation, outcome: .unknown) }
    }

    mutating func restart(_ id: String) {
        nodes[id]?.up = true
    }
}
