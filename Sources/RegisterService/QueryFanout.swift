import Synchronization

/// Which peer a query phase asks next when one it asked fails: indexes into the preference
/// order, each handed out once.
final class QueryFanout: Sendable {
    let first: Int
    private let next: Mutex<Int>

    init(first: Int) {
        self.first = first
        next = Mutex(first)
    }

    func claimNext() -> Int? {
        next.withLock { next in
            defer { next += 1 }
            return next
        }
    }
}
