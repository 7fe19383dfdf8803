import ReplicaMath

/// ABD coordination (reads and writes over every replica, this node's included) as a pure state
/// machine in the style of `RaftNode`: events in (`startRead`, `startWrite`, `receive`), actions
/// out (`takeActions`: send a request to a peer, query/store/prepare/reveal/abandon on the local
/// replica, complete an operation). No I/O, clocks, locks or randomness: the shell performs the
/// actions and feeds back what they bring; a simulation does the same on virtual time.
///
/// Read: query this node and ⌊N/2⌋ peers (a peer that fails is replaced by one not yet asked, and
/// suspected: asked last until it answers again); if the majority's answers disagree, write the
/// highest back to a majority; answer the highest. Write: query, then store (highest.counter + 1,
/// a writer id unique to this write) on a majority — or, with N ≤ 4 and no peer suspected, one
/// round trip: offer the version after this node's own to every peer (`OfferRound`).
///
/// Guarantees: linearizable reads and writes per key while a majority answers, otherwise the
/// operation fails (`Failure`, outcome unknown); each operation completes exactly once; an
/// answer counts once per peer and phase (duplicates, late answers and answers to an earlier
/// phase are ignored); a write with a request id seen recently completes with that write's
/// version, one still running is joined, and one that failed after choosing its version is
/// finished with that same version (never a new one, which could make its value reappear after
/// a newer write).
public struct RegisterCoordinatorCore: Sendable {
    public typealias OperationID = UInt64

    public enum Request: Sendable, Hashable {
        case query(key: String)
        case store(key: String, entry: Entry)
        case offer(key: String, entry: Entry)
    }

    /// What a participant (a peer, or this node's replica under `selfID`) brought back.
    public enum Reply: Sendable, Equatable {
        case queried(Entry?)
        case stored
        case offered(OfferRound.Answer)
        /// The request of that kind failed or timed out (for an offer: same as `.offered(.failed)`).
        case failed(Kind, reason: String)
    }

    public enum Kind: Sendable, Hashable { case query, store, offer }

    public enum Outcome: Sendable, Hashable {
        case read(Entry?)
        case wrote(Version)
    }

    public enum Failure: Error, Sendable, Hashable {
        /// No majority answered (the reasons, per participant); the outcome is unknown.
        case noMajority([String])
        /// An offered write no majority settled; it may or may not take effect.
        case unsettled(Version)
    }

    public enum Action: Sendable, Equatable {
        case send(peer: String, operation: OperationID, Request)
        /// Query this node's replica; answer with `receive(.queried)` from `selfID` once durable.
        case queryLocal(operation: OperationID, key: String)
        /// Store on this node's replica; answer `.stored` (or `.failed(.store)`) once durable.
        case storeLocal(operation: OperationID, key: String, entry: Entry)
        /// Log this node's copy of an offered entry without showing it; answer `.stored` (or
        /// `.failed(.store)`) from `selfID` once it is durable. It comes before the offer's sends:
        /// a shell performing actions in order holds the copy before any answer can ask to
        /// `reveal` or `abandon` it.
        case prepareLocal(operation: OperationID, key: String, entry: Entry)
        /// Show the operation's prepared entry (stored if newer).
        case reveal(operation: OperationID, key: String, entry: Entry)
        /// Drop the operation's prepared entry (its record stays logged).
        case abandon(operation: OperationID, key: String, entry: Entry)
        case complete(operation: OperationID, Result<Outcome, Failure>)
    }

    public let selfID: String
    /// The peers in preference order: those following this node around the member ring.
    public let ring: [String]
    public let replicas: Int
    public let quorum: Int
    /// Whether writes try one round trip first (needs N ≤ 4).
    public let oneRoundWrites: Bool
    /// Writer ids are `prefix` + a sequence number: `node/boot/`.
    let writerPrefix: String
    var writeSequence: UInt64 = 0
    public internal(set) var suspects: Set<String> = []
    var operations: [OperationID: Operation] = [:]
    var nextOperation: OperationID = 1
    var requests: RequestMemory
    var actions: [Action] = []

    /// `members` in cluster order (this node among them); `bootID` differs at every start.
    public init(selfID: String, members: [String], bootID: String, oneRoundWrites: Bool = true, requestMemory: Int = 10_000) {
        self.selfID = selfID
        let start = members.firstIndex(of: selfID) ?? 0
        ring = members.indices.map { members[(start + 1 + $0) % members.count] }.filter { $0 != selfID }
        replicas = members.count
        quorum = majority(of: members.count)
        self.oneRoundWrites = oneRoundWrites && OfferRound.isSupported(replicas: members.count)
        writerPrefix = "\(selfID)/\(bootID)/"
        requests = RequestMemory(capacity: requestMemory)
    }

    /// The actions accumulated since the last call, in order.
    public mutating func takeActions() -> [Action] {
        defer { actions.removeAll(keepingCapacity: true) }
        return actions
    }

    /// Operations still running (tests, metrics).
    public var running: Int { operations.count }

    /// The peers to ask, unsuspected ones first, each in ring order.
    var preferenceOrder: [String] {
        suspects.isEmpty ? ring : ring.filter { !suspects.contains($0) } + ring.filter { suspects.contains($0) }
    }

    mutating func nextWriterID() -> String {
        writeSequence += 1
        return writerPrefix + String(writeSequence)
    }

    mutating func newOperation(_ operation: Operation) -> OperationID {
        let id = nextOperation
        nextOperation += 1
        operations[id] = operation
        return id
    }
}
