import ReplicaMath
/// A write in one round trip: the coordinator skips the query phase, picks the version after the
/// one it stores itself, and *offers* the entry to every peer. Each peer keeps it unless it holds
/// a newer version, and answers `held` (it holds, or held, this very entry) or `newer(v)`.
///
/// Pure: fed the peers' answers and the outcome of the coordinator's own store, it says what to
/// do next. Guarantees, for clusters where `isSupported` (N ≤ 4, so a majority leaves at most one
/// replica out):
///
/// - `acknowledge` only when the entry's version is higher than that of every operation that
///   completed before the write began, and a majority durably holds that version or a newer one
///   — the two facts ABD's own write establishes with its query phase.
///   Why: an operation that completed earlier left its version on a majority *M*. If the
///   coordinator is in *M*, the version it started from is at least that one. Otherwise *M* is
///   every peer (N ≤ 4) and a peer that accepted the offer held something older than the entry.
///   So once one peer holds the entry (`N − majority` peers in general) no earlier operation is
///   newer, and the coordinator may store the entry itself and count it.
/// - `rewrite(after:)` only when every peer answered `newer` (vouching that it never held the
///   entry): then no replica ever showed it (the coordinator shows its own copy only after a
///   `held`), so writing the value again at a version after every answer is an ordinary ABD
///   write whose query phase was the offer. (The coordinator may log its copy early, so that its
///   fsync overlaps the peers'; a crash then replays it, but every majority holding it also holds
///   a peer's newer version, so no read can return it.)
/// - `unknown` when neither can be shown (a peer failed or could not vouch, and none held the
///   entry): the entry may sit on a peer, so the write is neither rewritten nor acknowledged.
///   Rewriting it could make its value reappear after a newer one that a reader already saw.
///   Only a repeated offer needs the vouching: a first one carries a version no replica has seen
///   (a new writer id) and reaches each peer at most once (transports do not retry it), so a peer
///   with something newer never held it, whatever it remembers.
public struct OfferRound: Sendable, Equatable {
    public enum Answer: Sendable, Equatable {
        /// The peer holds the entry (or held it before something newer replaced it), durably.
        case held
        /// The peer durably holds this newer version instead, and never held the entry.
        case newer(Version)
        /// The peer durably holds this newer version, but cannot tell whether it held the entry
        /// before (it forgot what it replaced that long ago).
        case newerUnvouched(Version)
        /// No answer: the peer may or may not have stored the entry.
        case failed
    }

    public enum Step: Sendable, Equatable {
        case wait
        /// Store the entry on this replica, then call `localStoreFinished`.
        case storeLocally
        /// The write is done. `storeLocally`: this replica has not stored it yet (do so, without waiting).
        case acknowledge(storeLocally: Bool)
        /// No replica holds the entry: write the value again, at a version after `highest`.
        case rewrite(after: Version)
        /// The write may or may not take effect.
        case unknown
    }

    enum Local: Sendable, Equatable { case notStarted, storing, stored, failed }

    public let replicas: Int
    public let quorum: Int
    /// A retry's offer of an entry offered before: `newerUnvouched` answers block a rewrite.
    public let repeated: Bool
    private(set) var held = 0
    private(set) var newer: [Version] = []
    /// `newerUnvouched` answers: newer, so they count towards the majority, but they may have held
    /// the entry, so they block a rewrite.
    private(set) var unvouched = 0
    private(set) var failed = 0
    private(set) var local = Local.notStarted
    public private(set) var isFinished = false

    /// Whether one-round writes are safe with `replicas` members: a majority must leave out at most
    /// one replica, so that a majority of replicas without the coordinator is every peer.
    public static func isSupported(replicas: Int) -> Bool { replicas >= 1 && replicas - majority(of: replicas) <= 1 }

    public init(replicas: Int, repeated: Bool = false) {
        precondition(Self.isSupported(replicas: replicas), "one-round writes need N ≤ 4")
        self.replicas = replicas
        self.repeated = repeated
        quorum = majority(of: replicas)
    }

    var peers: Int { replicas - 1 }

    /// The first step, before any answer (with one or two replicas: store locally at once).
    public mutating func start() -> Step { next() }

    public mutating func receive(_ answer: Answer) -> Step {
        guard !isFinished else { return .wait }
        switch answer {
        case .held: held += 1
        case .newer(let version): newer.append(version)
        case .newerUnvouched(let version):
            newer.append(version)
            if repeated { unvouched += 1 }
        case .failed: failed += 1
        }
        return next()
    }

    public mutating func localStoreFinished(succeeded: Bool) -> Step {
        guard !isFinished else { return .wait }
        local = succeeded ? .stored : .failed
        return next()
    }

    private mutating func next() -> Step {
        // Safe to complete at the offered version: enough peers held it that no majority of
        // peers can hold a newer version from an operation that finished before this write.
        let safe = held >= replicas - quorum
        if safe, held + newer.count + (local == .stored ? 1 : 0) >= quorum {
            isFinished = true
            return .acknowledge(storeLocally: local == .notStarted)
        }
        if safe, local == .notStarted {
            local = .storing
            return .storeLocally
        }
        if local == .notStarted, held == 0, failed == 0, unvouched == 0, newer.count == peers, let highest = newer.max() {
            isFinished = true
            return .rewrite(after: highest)
        }
        if held + newer.count + failed == peers, local != .storing {
            isFinished = true
            return .unknown
        }
        return .wait
    }
}
