/// What a coordinator remembers of recent writes with request ids (oldest forgotten first), so
/// that a retried write is harmless: the version of one that completed, the entry of one whose
/// version was chosen but not stored on a majority, and the operation of one still running.
public struct RequestMemory: Sendable {
    /// A write's chosen entry. `offered`: a one-round write's offer that may not be completed as
    /// it stands (a retry offers it again, see `OfferRound`); otherwise a retry stores it.
    public struct Attempt: Sendable, Hashable {
        public var key: String
        public var entry: Entry
        public var offered: Bool
    }

    var running: [String: RegisterCoordinatorCore.OperationID] = [:]
    var attempted: BoundedMemory<String, Attempt>
    var versions: BoundedMemory<String, Version>

    public init(capacity: Int) {
        attempted = BoundedMemory(capacity: capacity)
        versions = BoundedMemory(capacity: capacity)
    }

    mutating func recordAttempt(_ id: String?, key: String, entry: Entry, offered: Bool = false) {
        guard let id else { return }
        attempted[id] = Attempt(key: key, entry: entry, offered: offered)
    }

    /// Keeps the first version remembered for `id`; the attempt is settled.
    mutating func remember(_ id: String, _ version: Version) {
        if versions[id] == nil { versions[id] = version }
        attempted[id] = nil
    }
}
