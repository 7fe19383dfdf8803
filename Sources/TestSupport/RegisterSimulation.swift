import RegisterCore
import ReplicaMath

/// A register cluster on virtual time: every node runs the production coordinator core
/// (`RegisterCoordinatorCore`) over the production replica value (`RegisterReplica`), connected
/// by a seeded network (delay and reordering, drops, duplicates, partitions of a minority) and a
/// seeded disk (group commit: what a replica did is durable, and answered, only at its next
/// flush; a crash loses the rest). Clients record a history for `LinearizabilityChecker`.
///
/// Guarantees: deterministic — the same seed and settings give the same `trace`, event for
/// event (one generator, a queue ordered by time then insertion, no dictionary iteration), so a
/// failing seed replays exactly, and runs take milliseconds of real time for seconds of virtual
/// time. The fault switches that break the protocol on purpose live here, not in production
/// types: `skipWriteBack` answers a read's write-back stores without making them,
/// `acknowledgeRefusedOffers` turns every peer's refusal of an offer into `held`.
public struct RegisterSimulation: Sendable {
    public struct Settings: Sendable {
        public var replicas = 3
        public var clients = 5
        public var operationsPerClient = 20
        public var keys = ["a", "b", "c"]
        public var oneRoundWrites = true
        /// Drops, duplicates and delays (the simulation's own generator throws the dice).
        public var network = SimulatedNetwork()
        /// A flush takes 1 + uniform 0..<maxFlush ticks.
        public var maxFlush: UInt64 = 4
        public var requestTimeout: UInt64 = 60
        public var clientTimeout: UInt64 = 400
        /// Nemesis actions (a minority partitioned, or crashed and restarted).
        public var faults = 5
        public var skipWriteBack = false
        public var acknowledgeRefusedOffers = false
        /// Keep `trace` (every event, as text): for replay checks, costly otherwise.
        public var recordTrace = false

        public init() {}
    }

    enum Event: Sendable {
        case request(from: String, to: String, incarnation: Int, operation: UInt64, RegisterCoordinatorCore.Request)
        case reply(to: String, incarnation: Int, from: String, operation: UInt64, RegisterCoordinatorCore.Reply)
        case timeout(node: String, incarnation: Int, peer: String, operation: UInt64, RegisterCoordinatorCore.Kind)
        case flush(node: String, incarnation: Int)
        case clientStart(process: Int)
        case clientGiveUp(process: Int, serial: Int)
        case nemesis(round: Int)
        case heal(round: Int)
    }

    /// One node: its coordinator and replica (volatile), its durable image, and the answers
    /// waiting for the next flush.
    struct Node: Sendable {
        var incarnation = 0
        var up = true
        var core: RegisterCoordinatorCore
        var replica = RegisterReplica()
        var durable = ReplicaStore()
        var unflushed: [(to: String, incarnation: Int, operation: UInt64, reply: RegisterCoordinatorCore.Reply)] = []
        var flushScheduled = false
    }

    /// A client's operation in flight.
    struct Pending: Sendable {
        var process: Int
        var serial: Int
        var key: String
        var write: String??
        var invoke: UInt64
    }

    public let settings: Settings
    public let seed: UInt64
    var random: SeededGenerator
    public internal(set) var now: UInt64 = 0
    var queue = EventQueue<Event>()
    let ids: [String]
    var nodes: [String: Node] = [:]
    var network: SimulatedNetwork
    /// Per node, the client operations its coordinator runs, by operation id.
    var inFlight: [String: [UInt64: Pending]] = [:]
    /// Reads (operation ids per node) whose write-back `skipWriteBack` fakes.
    var readOperations: Set<String> = []
    var clientSerial: [Int] = []
    var clientBusy: [Bool] = []
    public internal(set) var history: [RegisterOperation] = []
    public internal(set) var trace: [String] = []
    /// Final reads that did not succeed (`key@node`): a cluster that does not recover.
    public internal(set) var finalFailures: [String] = []

    public init(seed: UInt64, settings: Settings = Settings()) {
        self.seed = seed
        self.settings = settings
        network = settings.network
        random = SeededGenerator(seed: seed)
        ids = (1...settings.replicas).map { "n\($0)" }
        for id in ids { nodes[id] = Node(core: Self.core(id, members: ids, boot: 0, settings: settings)) }
        clientSerial = Array(repeating: 0, count: settings.clients)
        clientBusy = Array(repeating: false, count: settings.clients)
    }

    static func core(_ id: String, members: [String], boot: Int, settings: Settings) -> RegisterCoordinatorCore {
        RegisterCoordinatorCore(selfID: id, members: members, bootID: "b\(boot)", oneRoundWrites: settings.oneRoundWrites)
    }

    /// Runs the workload with faults, then heals everything and reads every key through every
    /// node; returns the checker's verdict on the whole history.
    public mutating func run() -> LinearizabilityChecker.Verdict {
        for process in 0..<settings.clients { schedule(.clientStart(process: process), after: 1 + below(20)) }
        for round in 0..<settings.faults { schedule(.nemesis(round: round), after: 50 + below(UInt64(settings.clients * settings.operationsPerClient) * 20)) }
        drain(limit: 2_000_000)
        finish()
        return LinearizabilityChecker.check(history)
    }

    /// Uniform in 0..<bound (0 when bound is 0).
    mutating func below(_ bound: UInt64) -> UInt64 { bound == 0 ? 0 : random.next() % bound }

    mutating func schedule(_ event: Event, after delay: UInt64) {
        queue.push(event, at: now + delay)
    }

    /// Processes events until none are left (or `limit` of them: a livelock is a failure).
    mutating func drain(limit: Int) {
        var processed = 0
        while let (time, event) = queue.pop(), processed < limit {
            now = time
            processed += 1
            handle(event)
        }
    }
}

/// A min-queue of events by time, ties in insertion order (so runs are deterministic).
struct EventQueue<Element: Sendable>: Sendable {
    private var heap: [(time: UInt64, order: UInt64, element: Element)] = []
    private var inserted: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ element: Element, at time: UInt64) {
        inserted += 1
        heap.append((time, inserted, element))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (UInt64, Element)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, less(left, smallest) { smallest = left }
            if right < heap.count, less(right, smallest) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (top.time, top.element)
    }

    private func less(_ a: Int, _ b: Int) -> Bool { (heap[a].time, heap[a].order) < (heap[b].time, heap[b].order) }
}
