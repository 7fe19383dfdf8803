import RegisterCore

/// A bounded memory of recent write request ids and their versions (oldest forgotten first).
struct RecentWrites: Sendable {
    /// Writes with a request id still in progress.
    var running: [String: Task<Version, any Error>] = [:]
    /// Writes with a request id whose version was chosen but not (yet) stored on a majority.
    var attempted: BoundedMemory<(String, Entry)>
    private var versions: BoundedMemory<Version>

    init(capacity: Int) {
        attempted = BoundedMemory(capacity: capacity)
        versions = BoundedMemory(capacity: capacity)
    }

    mutating func recordAttempt(_ id: String, key: String, entry: Entry) {
        attempted[id] = (key, entry)
    }

    func lookup(_ id: String) -> Version? { versions[id] }

    /// Keeps the first version remembered for `id`.
    mutating func remember(_ id: String, _ version: Version) {
        if versions[id] == nil { versions[id] = version }
    }
}
