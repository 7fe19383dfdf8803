import Synchronization

/// The server's open connections and what each is doing, so a sweeper can enforce timeouts and
/// shutdown can close idle connections.
///
/// Guarantees: `expired(now:)` reports each connection whose phase outlived its timeout.
final class ConnectionRegistry: Sendable {
    enum Phase: Sendable, Equatable {
        /// Accepted, no byte of a first request yet: the header timeout applies, and draining
        /// closes it like an idle one.
        case fresh
        case idle
        case readingHead
        case readingBody
        case handling
        case writing
    }

    struct Entry: Sendable {
        let socket: Socket
        var phase: Phase
        var since: ContinuousClock.Instant
    }

    struct State: Sendable {
        var entries: [Int: Entry] = [:]
        var nextID = 0
        var draining = false
        var closedSinceCount = 0
    }

    private let state = Mutex(State())

    /// Adds a connection; nil when `limit` connections are already open.
    func add(_ socket: Socket, limit: Int) -> Int? {
        state.withLock { state in
            guard state.entries.count < limit else { return nil }
            state.nextID += 1
            state.entries[state.nextID] = Entry(socket: socket, phase: .fresh, since: .now)
            return state.nextID
        }
    }

    func remove(_ id: Int) {
        state.withLock { state in
            if state.entries.removeValue(forKey: id) != nil { state.closedSinceCount += 1 }
        }
    }

    /// Connections closed since the last call.
    func takeClosedCount() -> Int {
        state.withLock { state in
            defer { state.closedSinceCount = 0 }
            return state.closedSinceCount
        }
    }

    /// Moves a connection to `phase`; returns whether the server is draining.
    @discardableResult
    func set(_ id: Int, _ phase: Phase) -> Bool {
        state.withLock { state in
            state.entries[id]?.phase = phase
            state.entries[id]?.since = .now
            if state.draining, phase.isBetweenRequests, let entry = state.entries[id] {
                entry.socket.shutdownRead()
            }
            return state.draining
        }
    }

    var isDraining: Bool { state.withLock { $0.draining } }
    var count: Int { state.withLock { $0.entries.count } }

    /// Starts draining: idle connections are woken with end-of-file; busy ones close after their response.
    func beginDraining() {
        state.withLock { state in
            state.draining = true
            for entry in state.entries.values where entry.phase.isBetweenRequests {
                entry.socket.shutdownRead()
            }
        }
    }

    /// Shuts down every connection still open (drain timeout).
    func closeAll() {
        state.withLock { state in
            for entry in state.entries.values { entry.socket.shutdownBoth() }
        }
    }

    /// Shuts down connections whose phase has lasted longer than its limit.
    func closeExpired(now: ContinuousClock.Instant, limits: (Phase) -> Duration?) -> Int {
        state.withLock { state in
            var closed = 0
            for entry in state.entries.values {
                guard let limit = limits(entry.phase), now - entry.since > limit else { continue }
                entry.socket.shutdownBoth()
                closed += 1
            }
            return closed
        }
    }
}

extension ConnectionRegistry.Phase {
    /// No request is partly received or in progress: draining may close the connection.
    var isBetweenRequests: Bool { self == .fresh || self == .idle }
}
