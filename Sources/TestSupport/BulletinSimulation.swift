import BulletinCore
import ReplicaMath

/// The bulletin's quorum and read-your-writes modes on virtual time: replicas holding the
/// production `Bulletin`, posting and reading as `QuorumBulletin` and `LocalFirstBulletin` do
/// (a quorum post waits for NW replicas, a quorum read merges NR and repairs the coordinator; a
/// read-your-writes post is durable locally, then pushed; reads wait for the session; every
/// replica answers only what is durable; anti-entropy pulls by digest), over a seeded network
/// (delay and reordering, drops, duplicates, partitions of a minority) and a seeded disk (group
/// commit; a crash loses what was not flushed).
///
/// Checked (`violations`): a read shows only items some replica holds durably; with NR + NW >
/// N, a read begun after a post was acknowledged shows it; nothing shown is ever taken back and every acknowledged post ends up on every replica
/// (after healing and anti-entropy every replica's durable board holds them, and all boards are
/// equal); a read given a session shows every item the session names, and a client's own
/// acknowledged posts. Deterministic: the same seed gives the same `trace`. Planted faults
/// (`acknowledgeEarly`, `showUnflushed`, `ignoreSessions`) break one rule each, to show the
/// checks catch it; `reuseOrigins` is the flaw this simulation found in `node serve`.
public struct BulletinSimulation: Sendable {
    public enum Mode: Sendable, Equatable {
        case quorum(read: Int, write: Int)
        case readYourWrites
    }

    public struct Settings: Sendable {
        public var mode = Mode.quorum(read: 2, write: 2)
        public var replicas = 3
        public var clients = 4
        public var operationsPerClient = 16
        /// Drops, duplicates and delays (the simulation's own generator throws the dice).
        public var network = SimulatedNetwork()
        public var maxFlush: UInt64 = 4
        public var requestTimeout: UInt64 = 60
        public var clientTimeout: UInt64 = 400
        /// How long a read-your-writes call waits for its session before giving up.
        public var sessionWait: UInt64 = 300
        public var antiEntropyEvery: UInt64 = 40
        public var faults = 5
        /// Quorum posts acknowledged once this replica holds them (NW ignored).
        public var acknowledgeEarly = false
        /// Replicas answer reads and pulls at once, before what they show is durable.
        public var showUnflushed = false
        /// Read-your-writes calls do not wait for their session.
        public var ignoreSessions = false
        /// A replica names its items the same after a restart (as `node serve` once did).
        public var reuseOrigins = false
        public var recordTrace = false

        public init() {}
    }

    enum Message: Sendable {
        case store([BulletinItem])
        case read
        case pull(BulletinDigest)
    }

    enum Answer: Sendable {
        case stored
        case items([BulletinItem], VersionVector)
    }

    enum Event: Sendable {
        case request(from: String, to: String, incarnation: Int, operation: UInt64, Message)
        case answer(to: String, incarnation: Int, from: String, operation: UInt64, Answer)
        case timeout(node: String, incarnation: Int, peer: String, operation: UInt64)
        case flush(node: String, incarnation: Int)
        case sessionCheck(operation: UInt64)
        case clientStart(process: Int)
        case clientGiveUp(process: Int, serial: Int)
        case antiEntropy
        case nemesis(round: Int)
        case heal
    }

    struct Node: Sendable {
        let index: Int64
        var incarnation = 0
        var up = true
        var board = Bulletin()
        var durable = Bulletin()
        var unflushed: [(to: String, incarnation: Int, operation: UInt64, answer: Answer)] = []
        var flushScheduled = false
    }

    /// A client's call in progress at a coordinator.
    struct Call: Sendable {
        var process: Int
        var serial: Int
        let node: String
        let incarnation: Int
        let invoke: UInt64
        let session: VersionVector
        /// The post's item once created; nil for a read.
        var item: BulletinItem?
        let isPost: Bool
        var localDone = false
        var answered: Set<String> = []
        var peersOK = 0
        var peersFailed = 0
        var merged: [Int64: BulletinItem] = [:]
        var vector = VersionVector()
        var started = false
    }

    /// What clients saw, for the checks.
    struct Read: Sendable {
        let process: Int
        let invoke: UInt64
        let session: VersionVector
        let ids: Set<Int64>
    }

    public let settings: Settings
    var random: SeededGenerator
    public internal(set) var now: UInt64 = 0
    var queue = EventQueue<Event>()
    let ids: [String]
    var nodes: [String: Node] = [:]
    var network: SimulatedNetwork
    var calls: [UInt64: Call] = [:]
    var nextOperation: UInt64 = 1
    /// Anti-entropy pulls in flight (their answers are stored, not returned to anyone).
    var pulls: Set<UInt64> = []
    var clientSerial: [Int] = []
    var sessions: [VersionVector] = []
    var acknowledged: [(process: Int, item: BulletinItem, at: UInt64)] = []
    var reads: [Read] = []
    var clientsDone = 0
    public internal(set) var trace: [String] = []
    public internal(set) var violations: [String] = []
    /// Operations that completed, for tests that the run was not vacuous.
    public internal(set) var counts = (posts: 0, reads: 0, failed: 0)

    public init(seed: UInt64, settings: Settings = Settings()) {
        self.settings = settings
        network = settings.network
        random = SeededGenerator(seed: seed)
        ids = (1...settings.replicas).map { "n\($0)" }
        for (index, id) in ids.enumerated() { nodes[id] = Node(index: Int64(index + 1)) }
        clientSerial = Array(repeating: 0, count: settings.clients)
        sessions = Array(repeating: VersionVector(), count: settings.clients)
    }

    /// Runs the workload with faults, heals, lets anti-entropy converge, then checks.
    public mutating func run() -> [String] {
        for process in 0..<settings.clients { schedule(.clientStart(process: process), after: 1 + below(20)) }
        for round in 0..<settings.faults {
            schedule(.nemesis(round: round), after: 50 + below(UInt64(settings.clients * settings.operationsPerClient) * 15))
        }
        schedule(.antiEntropy, after: settings.antiEntropyEvery)
        drain()
        network.blocked = []
        network.faulty = false
        for id in ids where nodes[id]?.up == false { restart(id) }
        drain()
        for _ in 0..<3 {
            for id in ids { for peer in ids where peer != id { pull(at: id, from: peer) } }
            drain()
        }
        check()
        return violations
    }

    mutating func below(_ bound: UInt64) -> UInt64 { bound == 0 ? 0 : random.next() % bound }

    mutating func schedule(_ event: Event, after delay: UInt64) { queue.push(event, at: now + delay) }

    mutating func drain() {
        var processed = 0
        while processed < 2_000_000, let (time, event) = queue.pop() {
            now = time
            processed += 1
            if settings.recordTrace { trace.append("\(now) \(Self.describe(event))") }
            handle(event)
        }
    }

    /// Events as text without dictionaries (whose order differs between processes).
    static func describe(_ event: Event) -> String {
        switch event {
        case .request(let from, let to, _, let operation, .pull(let digest)):
            "pull \(from)>\(to) op\(operation) " + digest.origins.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.contiguous)" }.joined(separator: ",")
        case .answer(let to, _, let from, let operation, .items(let items, _)):
            "items \(from)>\(to) op\(operation) " + items.map { String($0.id) }.joined(separator: ",")
        default:
            "\(event)"
        }
    }
}
