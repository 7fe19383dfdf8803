import ReplicatedLog

/// A deterministic cluster of `RaftNode`s over a simulated network with loss, delay,
/// duplication, partitions and crash-restarts, checking Raft's safety properties as it runs.
struct RaftSimulation {
    struct Disk {
        var hardState = HardState()
        var log = RaftLog()
        var commit: UInt64 = 0
    }

    struct Replica {
        var node: RaftNode?
        var disk = Disk()
        /// Written but not yet durable (lost by a crash), with the messages waiting for it.
        var buffered: [RaftReady] = []
        var downUntil = 0
    }

    struct InFlight {
        var deliverAt: Int
        var from: String
        var to: String
        var message: RaftMessage
    }

    var random: UInt64
    let ids: [String]
    var replicas: [String: Replica] = [:]
    var network: [InFlight] = []
    var now = 0
    var isolated: Set<String> = []
    var dropRate = 0.05
    var duplicateRate = 0.03
    var maxDelay = 3
    var nextPayload = 1
    /// Index → entry, for every entry any replica reported committed.
    var committed: [UInt64: LogEntry] = [:]
    var leaders: [UInt64: String] = [:]
    var violations: [String] = []
    var proposed: Set<Int> = []
    /// A deliberately broken shell (sends acknowledgements before they are durable), to prove
    /// the checks notice.
    var sendBeforePersist = false

    init(size: Int, seed: UInt64) {
        random = seed
        ids = (1...size).map { "n\($0)" }
        for id in ids { replicas[id] = Replica() }
        for id in ids { start(id) }
    }

    mutating func start(_ id: String) {
        let disk = replicas[id]?.disk ?? Disk()
        let configuration = RaftNode.Configuration(id: id, members: ids, electionTicks: 10...20, maxEntriesPerMessage: 8)
        let seed = nextRandom()
        replicas[id]?.node = RaftNode(configuration: configuration, hardState: disk.hardState, log: disk.log,
                                      commitIndex: disk.commit, seed: seed)
        replicas[id]?.buffered = []
    }

    mutating func nextRandom() -> UInt64 {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ p: Double) -> Bool { Double(nextRandom() % 1_000_000) / 1_000_000 < p }

    mutating func run(ticks: Int, faults: Bool, proposeRate: Double = 0.5) {
        for _ in 0..<ticks {
            now += 1
            if faults { injectFaults() }
            for id in ids where replicas[id]?.node != nil {
                replicas[id]?.node?.tick()
                if chance(proposeRate) { propose(at: id) }
                drain(id)
            }
            deliver()
            // A slow disk: a write may take a few ticks to become durable (a crash loses it).
            for id in ids where chance(0.5) { fsync(id) }
        }
    }

    mutating func injectFaults() {
        let minority = (ids.count - 1) / 2
        if chance(0.01) {
            // Crash a replica if that keeps a majority up.
            let up = ids.filter { replicas[$0]?.node != nil }
            if ids.count - up.count < minority, let victim = up.randomElement(using: &self) {
                replicas[victim]?.node = nil
                replicas[victim]?.buffered = []
                let downFor = 5 + Int(nextRandom() % 60)
                replicas[victim]?.downUntil = now + downFor
            }
        }
        for id in ids where replicas[id]?.node == nil && (replicas[id]?.downUntil ?? 0) <= now { start(id) }
        if chance(0.01) {
            isolated = chance(0.5) ? [] : Set(ids.shuffled(using: &self).prefix(minority))
        }
    }

    mutating func propose(at id: String) {
        guard replicas[id]?.node?.isLeader == true else { return }
        let payload = nextPayload
        nextPayload += 1
        proposed.insert(payload)
        _ = replicas[id]?.node?.propose(Array(String(payload).utf8))
    }

    /// Takes the node's Ready: buffers its writes, sends what may go now.
    mutating func drain(_ id: String) {
        guard var node = replicas[id]?.node else { return }
        let ready = node.takeReady()
        if node.isLeader {
            if let other = leaders[node.term], other != id { violations.append("two leaders in term \(node.term): \(other) and \(id)") }
            leaders[node.term] = id
        }
        replicas[id]?.node = node
        for message in ready.sendNow { transmit(from: id, message) }
        let waiting = !(replicas[id]?.buffered.isEmpty ?? true)
        if (ready.mustPersistFirst || waiting) && !sendBeforePersist {
            replicas[id]?.buffered.append(ready)
        } else {
            for message in ready.messages { transmit(from: id, message) }
            if ready.mustPersistFirst { replicas[id]?.buffered.append(RaftReady.persisting(ready)) }
        }
        if let commit = ready.commitIndex, var replica = replicas[id] {
            replica.disk.commit = max(replica.disk.commit, commit)
            replicas[id] = replica
        }
        check(ready.committed, at: id)
    }

    mutating func check(_ entries: [LogEntry], at id: String) {
        for entry in entries {
            if let known = committed[entry.index], known != entry {
                violations.append("\(id) committed \(entry) at \(entry.index) but \(known) was committed there")
            }
            committed[entry.index] = entry
        }
    }

    /// End of tick: buffered writes become durable, then their messages go out.
    mutating func fsync(_ id: String) {
        guard let buffered = replicas[id]?.buffered, !buffered.isEmpty, replicas[id]?.node != nil else { return }
        replicas[id]?.buffered = []
        for ready in buffered {
            if let hard = ready.hardState { replicas[id]?.disk.hardState = hard }
            if !ready.entries.isEmpty { replicas[id]?.disk.log.restore(ready.entries) }
        }
        if let last = replicas[id]?.disk.log.entries.last { replicas[id]?.node?.persisted(index: last.index, term: last.term) }
        for ready in buffered { for message in ready.messages { transmit(from: id, message) } }
        drain(id)
    }

    mutating func transmit(from: String, _ outgoing: OutgoingMessage) {
        if isolated.contains(from) != isolated.contains(outgoing.to) { return }
        if chance(dropRate) { return }
        let copies = chance(duplicateRate) ? 2 : 1
        for _ in 0..<copies {
            network.append(InFlight(deliverAt: now + Int(nextRandom() % UInt64(maxDelay + 1)), from: from, to: outgoing.to,
                                    message: outgoing.message))
        }
    }

    mutating func deliver() {
        let due = network.filter { $0.deliverAt <= now }
        network.removeAll { $0.deliverAt <= now }
        for item in due.shuffled(using: &self) where replicas[item.to]?.node != nil {
            replicas[item.to]?.node?.step(item.message, from: item.from)
            drain(item.to)
        }
    }

    /// Heals every fault and runs until every replica has committed a final proposal.
    mutating func settle(maxTicks: Int = 2000) -> Bool {
        isolated = []
        dropRate = 0
        duplicateRate = 0
        for id in ids where replicas[id]?.node == nil { start(id) }
        var target: (index: UInt64, term: UInt64)?
        for _ in 0..<maxTicks {
            run(ticks: 1, faults: false, proposeRate: 0)
            if let leader = ids.first(where: { replicas[$0]?.node?.isLeader == true }), let node = replicas[leader]?.node,
               target.map({ node.log.term(at: $0.index) != $0.term }) ?? true,
               case .appended(let index, let term)? = replicas[leader]?.node?.propose(Array("final".utf8)) {
                // (Re)propose when no final entry exists or the one proposed was lost with its leader.
                target = (index, term)
            }
            if let target, ids.allSatisfy({ id in
                replicas[id]?.node.map { $0.commitIndex >= target.index && $0.log.term(at: target.index) == target.term } ?? false
            }) { return true }
        }
        return false
    }
}

extension RaftReady {
    /// The writes of `ready` without its messages.
    static func persisting(_ ready: RaftReady) -> RaftReady {
        var copy = RaftReady()
        copy.hardState = ready.hardState
        copy.entries = ready.entries
        return copy
    }
}

extension RaftSimulation: RandomNumberGenerator {
    mutating func next() -> UInt64 { nextRandom() }
}
