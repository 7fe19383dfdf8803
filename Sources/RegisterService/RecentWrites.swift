import RegisterCore

/// A bounded memory of recent write request ids and their versions (oldest forgotten first).
struct RecentWrites: Sendable {
    let capacity: Int
    /// Writes with a request id still in progress.
    var running: [String: Task<Version, any Error>] = [:]
    /// Writes with a request id whose version was chosen but not (yet) stored on a majority.
    var attempted: [String: (String, Entry)] = [:]
    private var attemptOrder: [String] = []

    mutating func recordAttempt(_ id: String, key: String, entry: Entry) {
        if attempted[id] == nil {
            attemptOrder.append(id)
            if attemptOrder.count > capacity { attempted[attemptOrder.removeFirst()] = nil }
        }
        attempted[id] = (key, entry)
    }
    private var versions: [String: Version] = [:]
    private var order: [String] = []
    private var head = 0

    init(capacity: Int) { self.capacity = capacity }

    func lookup(_ id: String) -> Version? { versions[id] }

    mutating func remember(_ id: String, _ version: Version) {
        guard versions[id] == nil else { return }
        versions[id] = version
        if order.count < capacity {
            order.append(id)
        } else {
            versions[order[head]] = nil
            order[head] = id
            head = (head + 1) % capacity
        }
    }
}
