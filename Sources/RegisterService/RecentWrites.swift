import RegisterCore

/// A bounded memory of recent write request ids and their versions (oldest forgotten first).
struct RecentWrites: Sendable {
    /// Writes with a request id still in progress.
    var running: [String: Task<Version, any Error>] = [:]
    /// Writes with a request id whose version was chosen but not (yet) stored on a majority.
    var attempted: BoundedMemory<String, Attempt>
    private var versions: BoundedMemory<String, Version>

    init(capacity: Int) {
        attempted = BoundedMemory(capacity: capacity)
        versions = BoundedMemory(capacity: capacity)
    }

    /// A write's chosen entry. `offered`: a one-round write's offer that may not be completed as
    /// it stands (a retry offers it again, see `OfferRound`); otherwise a retry stores it.
    struct Attempt: Sendable {
        var key: String
        var entry: Entry
        var offered: Bool
    }

    mutating func recordAttempt(_ id: String, key: String, entry: Entry, offered: Bool = false) {
        attempted[id] = Attempt(key: key, entry: entry, offered: offered)
    }

    func lookup(_ id: String) -> Version? { versions[id] }

    /// Keeps the first version remembered for `id`.
    mutating func remember(_ id: String, _ version: Version) {
        if versions[id] == nil { versions[id] = version }
    }
}
