import Synchronization
import ReplicaMath

/// A network of nodes in one process: calls go straight into each node's Connect responder (the
/// full codec path, no sockets), through a seeded fault model.
///
/// Faults: drop, delay, duplicate and reorder messages (`faults`), partition any set of nodes
/// (`partition`), and crash/restart a node (`crash` makes it unreachable and discards its
/// responder, so a restart must rebuild it from whatever it had persisted).
/// Guarantees: for a given seed, the n-th message on a link (from → to) always gets the same
/// decision, so a run that sends the same messages in the same order is reproduced exactly;
/// `trace` records every decision for printing when a test fails.
public final class InMemoryNetwork: Sendable {
    public let seed: UInt64

    struct State: ~Copyable {
        var nodes: [String: any HTTPResponder] = [:]
        var crashed: Set<String> = []
        var paused: Set<String> = []
        var groups: [Set<String>] = []
        var faults = FaultModel.none
        var links: [String: SeededGenerator] = [:]
        var trace: [String] = []
        var delivered = 0
    }

    private let state = Mutex(State())

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Adds or replaces (restarts) a node.
    public func attach(_ id: String, responder: any HTTPResponder) {
        state.withLock { state in
            state.nodes[id] = responder
            state.crashed.remove(id)
        }
    }

    /// The node stops answering and loses its responder (its in-memory state).
    public func crash(_ id: String) {
        state.withLock { state in
            state.crashed.insert(id)
            state.nodes[id] = nil
        }
    }

    /// Makes a node silent, as a `SIGSTOP`ped process is: messages to it are lost, so calls to it
    /// wait for their timeout instead of failing at once. `resume` ends it.
    public func pause(_ id: String) {
        _ = state.withLock { $0.paused.insert(id) }
    }

    public func resume(_ id: String) {
        _ = state.withLock { $0.paused.remove(id) }
    }

    /// Splits the network: nodes talk only within their group. Nodes in no group are isolated.
    public func partition(_ groups: [Set<String>]) {
        state.withLock { $0.groups = groups }
    }

    public func heal() {
        state.withLock { $0.groups = [] }
    }

    public var faults: FaultModel {
        get { state.withLock { $0.faults } }
        set { state.withLock { $0.faults = newValue } }
    }

    /// Every decision so far, in order.
    public var trace: [String] { state.withLock { $0.trace } }

    /// A client transport from `from` to `to`.
    public func transport(from: String, to: String) -> InMemoryTransport {
        InMemoryTransport(network: self, from: from, to: to)
    }

    /// Decides the fate of the next message on `from → to` and returns the target's responder.
    func decide(from: String, to: String, path: String) -> (DeliveryDecision, (any HTTPResponder)?) {
        state.withLock { state in
            let key = "\(from)->\(to)"
            var generator = state.links[key] ?? SeededGenerator.derived(seed: seed, key)
            let faults = state.faults
            // Draw the same number of values for every message so decisions depend only on position.
            let dropDraw = generator.chance(faults.dropRate)
            let dropSide = generator.next() & 1 == 0
            let duplicate = generator.chance(faults.duplicateRate)
            let span = faults.delay.upperBound - faults.delay.lowerBound
            let fraction = Double(generator.next() >> 11) / Double(1 << 53)
            let delay = faults.delay.lowerBound + span * fraction
            state.links[key] = generator
            let reachable = !state.crashed.contains(to) && !state.crashed.contains(from) && state.nodes[to] != nil
                && Self.connected(from, to, groups: state.groups)
            let outcome: DeliveryDecision.Outcome = !reachable ? .blocked
                : state.paused.contains(to) ? .droppedRequest
                : dropDraw ? (dropSide ? .droppedRequest : .droppedResponse) : .delivered
            let decision = DeliveryDecision(outcome: outcome, duplicated: duplicate && outcome == .delivered, delay: delay)
            state.trace.append("\(key) \(path) \(decision)")
            state.delivered += 1
            return (decision, state.nodes[to])
        }
    }

    /// Whether `from` can still reach `to` (checked again when a delayed response returns).
    func isConnected(_ from: String, _ to: String) -> Bool {
        state.withLock { state in
            !state.crashed.contains(to) && !state.crashed.contains(from) && Self.connected(from, to, groups: state.groups)
        }
    }

    static func connected(_ a: String, _ b: String, groups: [Set<String>]) -> Bool {
        if groups.isEmpty || a == b { return true }
        return groups.contains { $0.contains(a) && $0.contains(b) }
    }
}
