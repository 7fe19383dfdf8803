import LogReplica
public import ReplicatedLog
import ReplicaMath

/// A deterministic cluster of `LogReplicaCore`s driving real state machines, over a simulated
/// network (loss, delay, duplication, reordering, two-way and one-way partitions) and simulated
/// disks (writes become durable a few ticks later; a crash loses what was not, or keeps a torn
/// part of it), with snapshots, snapshot transfer, leadership hand-overs and crash-restarts. The
/// seed alone decides everything (replicas and keys are visited in sorted order), so a failing
/// seed replays exactly. Checks as it runs: at most one leader per term; every replica applies
/// the same command and computes the same output at each index; an acknowledged command is the
/// one committed at its index. Machine-specific invariants are the caller's (`machines`).
public struct LogSimulation<Machine: ReplicatedStateMachine> where Machine.Command: Equatable, Machine.Output: Equatable {
    public typealias Ticket = UInt64

    /// A replica's durable state.
    public struct Disk {
        var hardState = HardState()
        var log = RaftLog()
        var commit: UInt64 = 0
        var snapshot: [UInt8]?
    }

    struct Write {
        var hardState: HardState?
        var entries: [LogEntry] = []
        var snapshot: (index: UInt64, term: UInt64, data: [UInt8])?
        /// A commit index learnt while writes were buffered: durable with this write (the shell
        /// puts it in the same record as the entries, or in a later one), never before it.
        var commit: UInt64?
        var messages: [OutgoingMessage] = []
    }

    struct Replica {
        var core: LogReplicaCore<Machine>?
        var disk = Disk()
        /// Written but not yet durable (lost by a crash), with the messages waiting for it.
        var buffered: [Write] = []
        var downUntil = 0
        /// Commands submitted here, by ticket (the core says where each committed).
        var tickets: [Ticket: Machine.Command] = [:]
    }

    struct InFlight {
        var deliverAt: Int
        var from: String
        var to: String
        var message: RaftMessage
    }

    public let ids: [String]
    let makeMachine: () -> Machine
    let codec = JSONCommandCodec()
    var random: SeededGenerator
    var replicas: [String: Replica] = [:]
    var network: [InFlight] = []
    public private(set) var now = 0
    var isolated: Set<String> = []
    var cut: Set<[String]> = []
    public var dropRate = 0.05
    public var duplicateRate = 0.03
    public var maxDelay = 3
    /// Chance per tick that a replica crashes (if a majority stays up).
    public var crashRate = 0.01
    public var snapshotEvery: UInt64
    var nextTicket: Ticket = 1
    var leaders: [UInt64: String] = [:]
    /// Index → the command and the output, as first applied anywhere (compared as values: two
    /// equal dictionaries need not encode to the same bytes).
    public private(set) var committed: [UInt64: Machine.Command] = [:]
    var outputs: [UInt64: Machine.Output] = [:]
    /// Index → command, for every acknowledged proposal; and what each acknowledgement said.
    public private(set) var acknowledged: [UInt64: Machine.Command] = [:]
    public private(set) var acknowledgements: [(command: Machine.Command, output: Machine.Output)] = []
    public private(set) var violations: [String] = []
    public private(set) var counts = (snapshotsTaken: 0, snapshotsInstalled: 0, transfers: 0, crashes: 0, answeredWithoutLog: 0)
    /// Deliberately broken shells, to prove the checks notice: one sends Raft acknowledgements
    /// before they are durable; the other answers clients as soon as a command is appended at
    /// the leader, before it is committed.
    public var sendBeforePersist = false
    public var acknowledgeOnAppend = false
    /// What the second broken shell answered, by index (several leaders may answer for one slot).
    var answeredEarly: [UInt64: [Machine.Command]] = [:]

    public init(size: Int, seed: UInt64, snapshotEvery: UInt64 = 25, makeMachine: @escaping () -> Machine) {
        random = SeededGenerator(seed: seed)
        ids = (1...size).map { "n\($0)" }
        self.snapshotEvery = snapshotEvery
        self.makeMachine = makeMachine
        for id in ids { replicas[id] = Replica() }
        for id in ids { start(id) }
    }

    // MARK: - Queries

    public var leader: String? { ids.first { replicas[$0]?.core?.raft.isLeader == true } }
    public func machine(_ id: String) -> Machine? { replicas[id]?.core?.machine }
    public func appliedIndex(_ id: String) -> UInt64? { replicas[id]?.core?.appliedIndex }
    public var isUp: [String] { ids.filter { replicas[$0]?.core != nil } }

    // MARK: - Randomness

    public mutating func nextRandom() -> UInt64 {
        random.next()
    }

    public mutating func chance(_ p: Double) -> Bool { Double(nextRandom() % 1_000_000) / 1_000_000 < p }

    // MARK: - Driving

    /// Proposes `command` at the leader (a client's request, forwarded there); false if none.
    @discardableResult
    public mutating func submit(_ command: Machine.Command) -> Bool {
        guard let leader, var core = replicas[leader]?.core, let bytes = try? codec.encode(command) else { return false }
        let ticket = nextTicket
        nextTicket += 1
        let before = core.raft.log.lastIndex
        guard core.propose(encoded: bytes, ticket: ticket) == nil else { return false }
        replicas[leader]?.tickets[ticket] = command
        if acknowledgeOnAppend, core.raft.log.lastIndex > before { answeredEarly[core.raft.log.lastIndex, default: []].append(command) }
        replicas[leader]?.core = core
        drain(leader)
        return true
    }

    /// Runs `ticks` steps; `workload` is asked each tick for commands to submit.
    public mutating func run(ticks: Int, faults: Bool, workload: (inout Self) -> [Machine.Command]) {
        for _ in 0..<ticks {
            now += 1
            if faults { injectFaults() }
            for id in ids where replicas[id]?.core != nil {
                replicas[id]?.core?.tick()
                drain(id)
            }
            for command in workload(&self) { submit(command) }
            if faults, chance(0.004), let leader, replicas[leader]?.core?.transferLeadership() != nil {
                counts.transfers += 1
                drain(leader)
            }
            deliver()
            for id in ids where chance(0.5) { fsync(id) }
        }
    }

    /// Heals every fault and runs until every replica applied a final command (`final`, which
    /// must be harmless to apply more than once).
    public mutating func settle(final: Machine.Command, maxTicks: Int = 3000) -> Bool {
        isolated = []
        cut = []
        dropRate = 0
        duplicateRate = 0
        for id in ids where replicas[id]?.core == nil { start(id) }
        for step in 0..<maxTicks {
            run(ticks: 1, faults: false) { _ in [] }
            let done = committed.keys.sorted().first { committed[$0] == final }
            if let done, ids.allSatisfy({ (appliedIndex($0) ?? 0) >= done }) { return true }
            if done == nil, step % 50 == 0 { submit(final) }
        }
        return false
    }

    mutating func start(_ id: String) {
        let disk = replicas[id]?.disk ?? Disk()
        let machine = makeMachine()
        if let snapshot = disk.snapshot {
            do { try machine.restore(snapshot) } catch { violations.append("\(id) cannot restore its own snapshot: \(error)") }
        }
        let configuration = RaftNode.Configuration(id: id, members: ids, electionTicks: 10...20, maxEntriesPerMessage: 8)
        var raft = RaftNode(configuration: configuration, hardState: disk.hardState, log: disk.log, commitIndex: disk.commit, seed: nextRandom())
        if let snapshot = disk.snapshot { raft.restoredSnapshot(snapshot) }
        replicas[id]?.core = LogReplicaCore(raft: raft, machine: machine, codec: codec, snapshotEvery: snapshotEvery)
        replicas[id]?.buffered = []
        replicas[id]?.tickets = [:]
    }

    mutating func injectFaults() {
        let minority = (ids.count - 1) / 2
        if chance(crashRate) {
            let up = isUp
            if ids.count - up.count < minority, !up.isEmpty {
                let victim = up[Int(nextRandom() % UInt64(up.count))]
                // A crash mid-write: a torn part of what was buffered may have reached the disk.
                if let buffered = replicas[victim]?.buffered, !buffered.isEmpty {
                    let survived = Int(nextRandom() % UInt64(buffered.count + 1))
                    for write in buffered.prefix(survived) { persist(write, at: victim) }
                }
                replicas[victim]?.core = nil
                replicas[victim]?.buffered = []
                let downFor = 5 + Int(nextRandom() % 60)
                replicas[victim]?.downUntil = now + downFor
                counts.crashes += 1
            }
        }
        for id in ids where replicas[id]?.core == nil && (replicas[id]?.downUntil ?? 0) <= now { start(id) }
        if chance(0.01) {
            var shuffled = ids
            for index in shuffled.indices.reversed() { shuffled.swapAt(index, Int(nextRandom() % UInt64(index + 1))) }
            isolated = chance(0.5) ? [] : Set(shuffled.prefix(minority))
        }
        if chance(0.01) {
            let from = ids[Int(nextRandom() % UInt64(ids.count))]
            let to = ids[Int(nextRandom() % UInt64(ids.count))]
            cut = chance(0.5) || from == to ? [] : [[from, to]]
        }
    }

    /// Takes the core's effects: buffers writes, sends what may go now, checks what was applied.
    mutating func drain(_ id: String) {
        guard var core = replicas[id]?.core else { return }
        let effects = core.takeEffects()
        replicas[id]?.core = core
        let ready = effects.ready
        if core.raft.isLeader {
            if let other = leaders[core.raft.term], other != id { violations.append("two leaders in term \(core.raft.term): \(other) and \(id)") }
            leaders[core.raft.term] = id
        }
        for message in ready.sendNow { transmit(from: id, message) }
        var write = Write(hardState: ready.hardState, entries: ready.entries, messages: ready.messages)
        if let snapshot = ready.snapshot {
            counts.snapshotsInstalled += 1
            write.snapshot = (snapshot.index, snapshot.term, snapshot.data)
        }
        let waiting = !(replicas[id]?.buffered.isEmpty ?? true)
        if (ready.mustPersistFirst || waiting) && !sendBeforePersist {
            replicas[id]?.buffered.append(write)
        } else {
            for message in ready.messages { transmit(from: id, message) }
            write.messages = []
            if ready.mustPersistFirst { replicas[id]?.buffered.append(write) }
        }
        if let commit = ready.commitIndex {
            if var replica = replicas[id] {
                if let last = replica.buffered.indices.last {
                    replica.buffered[last].commit = max(replica.buffered[last].commit ?? 0, commit)
                } else {
                    replica.disk.commit = max(replica.disk.commit, commit)
                }
                replicas[id] = replica
            }
        }
        for applied in effects.applied { check(applied, at: id) }
        for (ticket, result, index) in effects.completed {
            guard let command = replicas[id]?.tickets.removeValue(forKey: ticket), case .success(let output) = result else { continue }
            if let index {
                if committed[index] != command { violations.append("\(id) acknowledged a command at \(index) that is not the one committed there") }
                acknowledged[index] = command
            } else {
                counts.answeredWithoutLog += 1
            }
            acknowledgements.append((command, output))
        }
        if let due = effects.snapshotDue {
            do {
                let data = try due.image()
                counts.snapshotsTaken += 1
                // Durable at once here (the real shell writes it before dropping log segments).
                replicas[id]?.disk.snapshot = data
                replicas[id]?.disk.log.install(snapshotIndex: due.index, term: due.term)
                replicas[id]?.core?.snapshotTaken(index: due.index, data: data)
            } catch {
                violations.append("\(id) cannot serialize a snapshot: \(error)")
                replicas[id]?.core?.snapshotFailed()
            }
        }
        if effects.proposedMore { drain(id) }
    }

    mutating func check(_ applied: (index: UInt64, command: Machine.Command, output: Machine.Output), at id: String) {
        let (command, output) = (applied.command, applied.output)
        if let known = committed[applied.index], known != command {
            violations.append("\(id) applied a different command at \(applied.index) than another replica")
        }
        if let answered = answeredEarly[applied.index], answered.contains(where: { $0 != command }) {
            violations.append("\(id) applied another command at \(applied.index) than one acknowledged there")
        }
        if let known = outputs[applied.index], known != output {
            violations.append("\(id) computed a different output at \(applied.index): the machine is not deterministic")
        }
        committed[applied.index] = command
        outputs[applied.index] = output
    }

    mutating func persist(_ write: Write, at id: String) {
        if let snapshot = write.snapshot {
            replicas[id]?.disk.snapshot = snapshot.data
            replicas[id]?.disk.log.install(snapshotIndex: snapshot.index, term: snapshot.term)
            let commit = max(replicas[id]?.disk.commit ?? 0, snapshot.index)
            replicas[id]?.disk.commit = commit
        }
        if let hard = write.hardState { replicas[id]?.disk.hardState = hard }
        if !write.entries.isEmpty { replicas[id]?.disk.log.restore(write.entries) }
        if let commit = write.commit, let durable = replicas[id]?.disk.commit { replicas[id]?.disk.commit = max(durable, commit) }
    }

    /// Buffered writes become durable, then their messages go out.
    mutating func fsync(_ id: String) {
        guard let buffered = replicas[id]?.buffered, !buffered.isEmpty, replicas[id]?.core != nil else { return }
        replicas[id]?.buffered = []
        for write in buffered { persist(write, at: id) }
        if let log = replicas[id]?.disk.log, log.lastIndex > 0, let term = log.term(at: log.lastIndex) {
            replicas[id]?.core?.persisted(index: log.lastIndex, term: term)
        }
        for write in buffered { for message in write.messages { transmit(from: id, message) } }
        drain(id)
    }

    mutating func transmit(from: String, _ outgoing: OutgoingMessage) {
        if isolated.contains(from) != isolated.contains(outgoing.to) { return }
        if cut.contains([from, outgoing.to]) { return }
        if chance(dropRate) { return }
        let copies = chance(duplicateRate) ? 2 : 1
        for _ in 0..<copies {
            let delay = Int(nextRandom() % UInt64(maxDelay + 1))
            network.append(InFlight(deliverAt: now + delay, from: from, to: outgoing.to, message: outgoing.message))
        }
    }

    mutating func deliver() {
        var due = network.filter { $0.deliverAt <= now }
        network.removeAll { $0.deliverAt <= now }
        for index in due.indices.reversed() { due.swapAt(index, Int(nextRandom() % UInt64(index + 1))) }
        for item in due where replicas[item.to]?.core != nil {
            replicas[item.to]?.core?.step(item.message, from: item.from)
            drain(item.to)
        }
    }
}
