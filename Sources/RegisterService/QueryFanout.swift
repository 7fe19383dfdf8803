import Synchronization

/// Which peer a query phase asks next when one it asked fails: indexes into the preference
/// order, each handed out once, none past its end.
final class QueryFanout: Sendable {
    let first: Int
    let count: Int
    private let next: Mutex<Int>

    init(first: Int, count: Int) {
        self.first = min(first, count)
        self.count = count
        next = Mutex(self.first)
    }

    /// The next index not yet handed out, or nil when every peer was asked.
    func claimNext() -> Int? {
        next.withLock { next in
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
