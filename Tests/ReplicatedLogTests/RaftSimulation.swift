import ReplicatedLog
import ReplicaMath

/// A deterministic cluster of `RaftNode`s over a simulated network with loss, delay,
/// duplication, partitions (two-way and one-way), crash-restarts (some with damaged storage),
/// compaction with snapshot transfer, leadership hand-overs and ReadIndex reads, checking Raft's
/// safety properties as it runs. Everything comes from the seed: a failing seed replays exactly.
struct RaftSimulation {
    /// A replica's durable state: hard state, snapshot (its machine: the applied payloads), log.
    struct Disk {
        var hardState = HardState()
        var log = RaftLog()
        var commit: UInt64 = 0
        var snapshot: [UInt8]?
        /// Damage not yet rebuilt: reported at every start until a rebuild is durable, as the
        /// write-ahead log repeats its damage report until `markRebuilt()`.
        var damaged = false
    }

    struct Replica {
        var node: RaftNode?
        var disk = Disk()
        /// Written but not yet durable (lost by a crash), with the messages waiting for it.
        var buffered: [RaftReady] = []
        var downUntil = 0
        /// The state machine: every applied payload, in order.
        var applied: [UInt64: LogEntry] = [:]
        var appliedUpTo: UInt64 = 0
        /// Reads asked here: id → the highest index committed anywhere when asked.
        var reads: [UInt64: UInt64] = [:]
    }

    struct InFlight {
        var deliverAt: Int
        var from: String
        var to: String
        var message: RaftMessage
    }

    var random: SeededGenerator
    let ids: [String]
    var replicas: [String: Replica] = [:]
    var network: [InFlight] = []
    var now = 0
    var isolated: Set<String> = []
    /// One-way cuts: messages from the first to the second are lost.
    var cut: Set<[String]> = []
    var dropRate = 0.05
    var duplicateRate = 0.03
    var maxDelay = 3
    var nextPayload = 1
    var nextRead: UInt64 = 1
    var snapshotEvery: UInt64 = 25
    /// Index → entry, for every entry any replica reported committed.
    var committed: [UInt64: LogEntry] = [:]
    var highestCommitted: UInt64 = 0
    var leaders: [UInt64: String] = [:]
    var violations: [String] = []
    var confirmedReads = 0
    var snapshotsInstalled = 0
    var transfers = 0
    var damagedRestarts = 0
    /// Restarts of a replica whose damage was still not rebuilt (it crashed mid-rebuild).
    var restartsStillDamaged = 0
    /// A deliberately broken shell (sends acknowledgements before they are durable), to prove
    /// the checks notice.
    var sendBeforePersist = false

    init(size: Int, seed: UInt64) {
        random = SeededGenerator(seed: seed)
        ids = (1...size).map { "n\($0)" }
        for id in ids { replicas[id] = Replica() }
        for id in ids { start(id) }
    }

    mutating func start(_ id: String, damaged: Bool = false) {
        var disk = replicas[id]?.disk ?? Disk()
        if damaged {
            // Damage: the log loses a suffix (acknowledged entries among them) and the vote.
            let keep = disk.log.snapshotIndex + nextRandom() % (disk.log.lastIndex - disk.log.snapshotIndex + 1)
            disk.log.truncate(from: keep + 1)
            disk.hardState.votedFor = nil
            disk.commit = min(disk.commit, disk.log.lastIndex)
            disk.damaged = true
            replicas[id]?.disk = disk
            damagedRestarts += 1
        } else if disk.damaged {
            restartsStillDamaged += 1
        }
        let configuration = RaftNode.Configuration(id: id, members: ids, electionTicks: 10...20, maxEntriesPerMessage: 8)
        var node = RaftNode(configuration: configuration, hardState: disk.hardState, log: disk.log,
                            commitIndex: disk.commit, seed: nextRandom(), rebuilding: disk.damaged)
        replicas[id]?.applied = [:]
        replicas[id]?.appliedUpTo = disk.log.snapshotIndex
        if let snapshot = disk.snapshot {
            node.restoredSnapshot(snapshot)
            restoreMachine(id, snapshot, upTo: disk.log.snapshotIndex)
        }
        replicas[id]?.node = node
        replicas[id]?.buffered = []
        replicas[id]?.reads = [:]
    }

    mutating func nextRandom() -> UInt64 {
        random.next()
    }

    mutating func chance(_ p: Double) -> Bool { Double(nextRandom() % 1_000_000) / 1_000_000 < p }

    mutating func run(ticks: Int, faults: Bool, proposeRate: Double = 0.5) {
        for _ in 0..<ticks {
            now += 1
            if faults { injectFaults() }
            for id in ids where replicas[id]?.node != nil {
                replicas[id]?.node?.tick()
                if chance(proposeRate) { propose(at: id) }
                if chance(0.2) { read(at: id) }
                if faults, chance(0.003), replicas[id]?.node?.isLeader == true {
                    if replicas[id]?.node?.transferLeadership() != nil { transfers += 1 }
                }
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
        for id in ids where replicas[id]?.node == nil && (replicas[id]?.downUntil ?? 0) <= now {
            // Rarely, storage damage; never on more than a minority at once, counting replicas down
            // with damage not yet rebuilt (more loses data by design).
            let damaged = ids.filter { replicas[$0]?.disk.damaged == true }.count
            start(id, damaged: damaged < minority && chance(0.15))
        }
        if chance(0.01) {
            isolated = chance(0.5) ? [] : Set(ids.shuffled(using: &self).prefix(minority))
        }
        if chance(0.01) {
            let pair = ids.shuffled(using: &self).prefix(2)
            cut = chance(0.5) ? [] : [Array(pair)]
        }
    }

    mutating func propose(at id: String) {
        guard replicas[id]?.node?.isLeader == true else { return }
        let payload = nextPayload
        nextPayload += 1
        _ = replicas[id]?.node?.propose(Array(String(payload).utf8))
    }

    mutating func read(at id: String) {
        let readID = nextRead
        nextRead += 1
        if replicas[id]?.node?.readIndex(id: readID) == .pending { replicas[id]?.reads[readID] = highestCommitted }
    }

    /// Takes the node's Ready: buffers its writes, sends what may go now, applies.
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
        if ready.commitIndex != nil || ready.rebuilt, var replica = replicas[id] {
            if let last = replica.buffered.indices.last {
                // Durable with the buffered writes, never before them: the shell writes a commit
                // index in the same record as the entries it covers or in a later one, and clears
                // the damage report once what the rebuild waits on is durable.
                replica.buffered[last].commitIndex = max(replica.buffered[last].commitIndex ?? 0, ready.commitIndex ?? 0)
                replica.buffered[last].rebuilt = replica.buffered[last].rebuilt || ready.rebuilt
            } else {
                replica.disk.commit = max(replica.disk.commit, ready.commitIndex ?? 0)
                if ready.rebuilt { replica.disk.damaged = false }
            }
            replicas[id] = replica
        }
        if let snapshot = ready.snapshot {
            snapshotsInstalled += 1
            restoreMachine(id, snapshot.data, upTo: snapshot.index)
        }
        apply(ready.committed, at: id)
        for read in ready.reads {
            guard let floor = replicas[id]?.reads.removeValue(forKey: read.id) else { continue }
            confirmedReads += 1
            if read.index < floor {
                violations.append("\(id) confirmed read \(read.id) at \(read.index) although \(floor) was committed when it was asked")
            }
        }
        for failed in ready.failedReads { replicas[id]?.reads[failed] = nil }
        maybeCompact(id)
    }

    mutating func apply(_ entries: [LogEntry], at id: String) {
        for entry in entries {
            if let known = committed[entry.index], known != entry {
                violations.append("\(id) committed \(entry) at \(entry.index) but \(known) was committed there")
            }
            committed[entry.index] = entry
            highestCommitted = max(highestCommitted, entry.index)
            guard var replica = replicas[id] else { continue }
            if entry.index != replica.appliedUpTo + 1 {
                violations.append("\(id) applied \(entry.index) after \(replica.appliedUpTo)")
            }
            replica.applied[entry.index] = entry
            replica.appliedUpTo = entry.index
            replicas[id] = replica
        }
    }

    /// The machine's snapshot: its applied entries, one per line as index:term:data.
    func machineImage(_ id: String) -> [UInt8] {
        guard let replica = replicas[id] else { return [] }
        return Array(replica.applied.keys.sorted().map { index in
            let entry = replica.applied[index]!
            return "\(index):\(entry.term):\(String(decoding: entry.data, as: UTF8.self))"
        }.joined(separator: "\n").utf8)
    }

    mutating func restoreMachine(_ id: String, _ data: [UInt8], upTo index: UInt64) {
        var applied: [UInt64: LogEntry] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let entryIndex = UInt64(parts[0]), let term = UInt64(parts[1]) else { continue }
            let entry = LogEntry(term: term, index: entryIndex, data: Array(parts[2].utf8))
            if let known = committed[entryIndex], known != entry {
                violations.append("\(id) restored a snapshot with \(entry) where \(known) was committed")
            }
            applied[entryIndex] = entry
        }
        replicas[id]?.applied = applied
        replicas[id]?.appliedUpTo = index
    }

    /// Every `snapshotEvery` applied entries, a replica snapshots its machine and compacts.
    mutating func maybeCompact(_ id: String) {
        guard let replica = replicas[id], let node = replica.node,
              replica.appliedUpTo >= node.log.snapshotIndex + snapshotEvery else { return }
        let image = machineImage(id)
        replicas[id]?.node?.compact(through: replica.appliedUpTo, data: image)
        // The snapshot is durable at once here (a real shell writes it before dropping segments).
        if let compacted = replicas[id]?.node?.log {
            replicas[id]?.disk.snapshot = image
            replicas[id]?.disk.log.install(snapshotIndex: compacted.snapshotIndex, term: compacted.snapshotTerm)
        }
    }

    /// End of tick: buffered writes become durable, then their messages go out.
    mutating func fsync(_ id: String) {
        guard let buffered = replicas[id]?.buffered, !buffered.isEmpty, replicas[id]?.node != nil else { return }
        replicas[id]?.buffered = []
        for ready in buffered {
            if let snapshot = ready.snapshot {
                replicas[id]?.disk.snapshot = snapshot.data
                replicas[id]?.disk.log.install(snapshotIndex: snapshot.index, term: snapshot.term)
                let commit = max(replicas[id]?.disk.commit ?? 0, snapshot.index)
                replicas[id]?.disk.commit = commit
            }
            if let hard = ready.hardState { replicas[id]?.disk.hardState = hard }
            if !ready.entries.isEmpty { replicas[id]?.disk.log.restore(ready.entries) }
            if let commit = ready.commitIndex, let durable = replicas[id]?.disk.commit { replicas[id]?.disk.commit = max(durable, commit) }
            if ready.rebuilt { replicas[id]?.disk.damaged = false }
        }
        if let disk = replicas[id]?.disk, disk.log.lastIndex > 0, let term = disk.log.term(at: disk.log.lastIndex) {
            replicas[id]?.node?.persisted(index: disk.log.lastIndex, term: term)
        }
        for ready in buffered { for message in ready.messages { transmit(from: id, message) } }
        drain(id)
    }

    mutating func transmit(from: String, _ outgoing: OutgoingMessage) {
        if isolated.contains(from) != isolated.contains(outgoing.to) { return }
        if cut.contains([from, outgoing.to]) { return }
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
    mutating func settle(maxTicks: Int = 3000) -> Bool {
        isolated = []
        cut = []
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
                replicas[id]?.node.map { $0.commitIndex >= target.index && !$0.rebuilding } ?? false
                    && committed[target.index]?.term == target.term
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
        copy.snapshot = ready.snapshot
        return copy
    }
}

extension RaftSimulation: RandomNumberGenerator {
    mutating func next() -> UInt64 { nextRandom() }
}
