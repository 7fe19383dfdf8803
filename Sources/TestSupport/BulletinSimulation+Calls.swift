import BulletinCore
import ReplicaMath

extension BulletinSimulation {
    enum Outcome { case ok, unknown, failed }

    /// A client's next call: a post or a read through a random replica (refused at once, with no
    /// effect, when that replica is down).
    mutating func startCall(_ process: Int) {
        let serial = clientSerial[process]
        guard serial < settings.operationsPerClient else {
            clientsDone += 1
            return
        }
        let id = ids[Int(below(UInt64(ids.count)))]
        let isPost = below(2) == 0
        guard let node = nodes[id], node.up else {
            counts.failed += 1
            return next(process, serial)
        }
        let operation = nextOperation
        nextOperation += 1
        calls[operation] = Call(process: process, serial: serial, node: id, incarnation: node.incarnation, invoke: now,
                                session: sessions[process], isPost: isPost)
        schedule(.clientGiveUp(process: process, serial: serial), after: settings.clientTimeout)
        continueWaiting(operation)
    }

    mutating func next(_ process: Int, _ serial: Int) {
        clientSerial[process] = serial + 1
        schedule(.clientStart(process: process), after: 1 + below(10))
    }

    /// Read-your-writes: a call starts once its replica includes the session (pulling from a
    /// peer meanwhile), or fails after `sessionWait`.
    mutating func continueWaiting(_ operation: UInt64) {
        guard let call = calls[operation], !call.started, let node = nodes[call.node] else { return }
        let waits = settings.mode == .readYourWrites && !settings.ignoreSessions
        if !waits || node.board.vector.includes(call.session) { return start(operation) }
        if now - call.invoke > settings.sessionWait { return finish(operation, outcome: .failed) }
        let peers = ids.filter { $0 != call.node }
        pull(at: call.node, from: peers[Int(below(UInt64(peers.count)))])
        schedule(.sessionCheck(operation: operation), after: 5)
    }

    mutating func start(_ operation: UInt64) {
        guard var call = calls[operation], var node = nodes[call.node] else { return }
        call.started = true
        let peers = ids.filter { $0 != call.node }
        if call.isPost {
            let counter = max(Int64(now), (node.board.maxID >> 8) + 1)
            // A name new at every start, as `node serve` gives (see `RoleRuntime.origin`);
            // `reuseOrigins` keeps one name across restarts.
            let origin = settings.reuseOrigins ? call.node : "\(call.node).\(node.incarnation)"
            let item = BulletinItem(id: counter << 8 | node.index, kind: .article, author: "p\(call.process)", body: "s\(call.serial)",
                                    createdAtMs: Int64(now), origin: origin, seq: node.board.lastSeq(origin) + 1)
            node.board.insert(item)
            nodes[call.node] = node
            call.item = item
            calls[operation] = call
            serve(.store([item]), at: call.node, replyingTo: call.node, incarnation: node.incarnation, operation: operation)
            if case .quorum = settings.mode { for peer in peers { send(.store([item]), from: call.node, to: peer, operation: operation) } }
        } else {
            calls[operation] = call
            serve(.read, at: call.node, replyingTo: call.node, incarnation: node.incarnation, operation: operation)
            if case .quorum = settings.mode { for peer in peers { send(.read, from: call.node, to: peer, operation: operation) } }
        }
    }

    mutating func received(_ answer: Answer, at id: String, from: String, for operation: UInt64) {
        if pulls.contains(operation) {
            if case .items(let items, _) = answer, !items.isEmpty, let incarnation = nodes[id]?.incarnation {
                serve(.store(items), at: id, replyingTo: id, incarnation: incarnation, operation: 0)
            }
            return
        }
        guard var call = calls[operation], call.started, call.node == id else { return }
        if case .items(let items, let vector) = answer {
            for item in items { call.merged[item.id] = item }
            if from == id { call.vector = vector }
        }
        if from == id {
            call.localDone = true
        } else {
            guard call.answered.insert(from).inserted else { return }
            call.peersOK += 1
        }
        calls[operation] = call
        advance(operation)
    }

    mutating func failed(_ peer: String, _ operation: UInt64) {
        guard var call = calls[operation], call.started, peer != call.node, call.answered.insert(peer).inserted else { return }
        call.peersFailed += 1
        calls[operation] = call
        advance(operation)
    }

    /// Ends the call when its quorum (or its local copy) allows.
    mutating func advance(_ operation: UInt64) {
        guard let call = calls[operation] else { return }
        let peers = ids.count - 1
        let needed: Int
        switch settings.mode {
        case .readYourWrites: needed = 0
        case .quorum(let read, let write): needed = call.isPost ? (settings.acknowledgeEarly ? 0 : write - 1) : read - 1
        }
        if call.localDone, call.peersOK >= needed {
            if !call.isPost, case .quorum = settings.mode, let node = nodes[call.node] {
                // Repair the coordinator with what the others showed.
                let missing = call.merged.values.filter { node.board.item($0.id) == nil }.sorted { $0.id < $1.id }
                if !missing.isEmpty { serve(.store(missing), at: call.node, replyingTo: call.node, incarnation: node.incarnation, operation: 0) }
            }
            finish(operation, outcome: .ok)
        } else if call.peersFailed > peers - needed {
            finish(operation, outcome: call.isPost ? .unknown : .failed)
        }
    }

    mutating func finish(_ operation: UInt64, outcome: Outcome) {
        guard let call = calls.removeValue(forKey: operation) else { return }
        switch outcome {
        case .ok:
            if let item = call.item {
                counts.posts += 1
                acknowledged.append((call.process, item, now))
                var session = call.session
                session[item.origin] = max(session[item.origin], item.seq)
                sessions[call.process] = sessions[call.process].merging(session)
                if settings.mode == .readYourWrites {
                    for peer in ids where peer != call.node { send(.store([item]), from: call.node, to: peer, operation: 0) }
                }
            } else {
                counts.reads += 1
                // Readers see only durable state: each item shown is on some replica's disk.
                for id in call.merged.keys.sorted() where !ids.contains(where: { nodes[$0]?.durable.item(id) != nil }) {
                    violations.append("a read by p\(call.process) at \(now) shows item \(id), which no replica holds durably")
                }
                reads.append(Read(process: call.process, invoke: call.invoke, session: call.session, ids: Set(call.merged.keys)))
                sessions[call.process] = sessions[call.process].merging(call.vector)
            }
        case .unknown, .failed:
            counts.failed += 1
        }
        next(call.process, call.serial)
    }
}
