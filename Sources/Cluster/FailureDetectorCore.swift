/// The pure part of failure detection: when each peer was last heard from, and who is suspected.
///
/// Time is an input (`now`); no clocks or I/O inside. A peer is suspected once `timeout` has
/// passed since it was last heard from, and alive again as soon as it is heard from.
public struct FailureDetectorCore: Sendable {
    public enum Status: String, Sendable, Equatable { case alive, suspected }

    /// A change of one peer's status.
    public struct Change: Sendable, Equatable {
        public let peer: String
        public let status: Status
    }

    public let timeout: Duration
    private(set) var lastHeard: [String: ContinuousClock.Instant]
    public private(set) var statuses: [String: Status]

    /// Every peer starts alive, as if heard from at `start`.
    public init(peers: [String], timeout: Duration, start: ContinuousClock.Instant) {
        self.timeout = timeout
        lastHeard = Dictionary(uniqueKeysWithValues: peers.map { ($0, start) })
        statuses = Dictionary(uniqueKeysWithValues: peers.map { ($0, .alive) })
    }

    /// Records evidence that `peer` is alive; returns the change, if any.
    public mutating func heard(from peer: String, at now: ContinuousClock.Instant) -> Change? {
        guard lastHeard[peer] != nil else { return nil }
        lastHeard[peer] = max(lastHeard[peer] ?? now, now)
        guard statuses[peer] == .suspected else { return nil }
        statuses[peer] = .alive
        return Change(peer: peer, status: .alive)
    }

    /// Suspects every peer not heard from within the timeout; returns the changes.
    public mutating func evaluate(now: ContinuousClock.Instant) -> [Change] {
        var changes: [Change] = []
        for (peer, heard) in lastHeard.sorted(by: { $0.key < $1.key }) where statuses[peer] == .alive && now - heard > timeout {
            statuses[peer] = .suspected
            changes.append(Change(peer: peer, status: .suspected))
        }
        return changes
    }

    public var alivePeers: Set<String> { Set(statuses.filter { $0.value == .alive }.keys) }
}
