public import Cluster
import Foundation
public import RegisterCore
import ReplicaMath
import Replication
import RPC
import Synchronization

/// Coordinates ABD reads and writes from this node over every replica (itself included).
///
/// Write: query a majority for the key's highest version, then store (highest.counter + 1, a
/// writer id unique to this write: node/boot/sequence) on a majority. With at most four replicas
/// and every peer answering, a write instead takes one round trip: it offers the version after
/// this node's own to every peer (see `OfferRound`, and `RegisterCoordinator+Offer`). Read: query
/// a majority; if the answers disagree, write the highest back to a majority; then answer the
/// highest. Guarantees: linearizable reads and writes per key while a majority is reachable;
/// otherwise `unavailable` (outcome unknown).
public final class RegisterCoordinator: Sendable {
    public let selfID: String
    public let replica: ReplicaState
    let peers: [ReplicaCalls]
    let preference: PeerPreference
    let replicaCount: Int
    /// Test-only fault: skip the read's write-back phase (breaks linearizability on purpose, so
    /// tests can show the checker catches it).
    let skipWriteBack: Bool
    /// Whether writes try one round trip first (`OfferRound`; needs N ≤ 4).
    let oneRoundWrites: Bool
    /// Test-only fault: acknowledge an offer that every peer refused (loses the write when this
    /// node was behind; tests show the checker catches it).
    let acknowledgeRefusedOffers: Bool
    /// Makes every write's version unique even when this node coordinates concurrent writes to
    /// one key (ABD assumes one outstanding write per writer id) and across restarts.
    private let bootID = String(UInt64.random(in: 0..<(1 << 40)), radix: 36)
    private let writeSequence = Atomic<UInt64>(0)
    let recent = Mutex(RecentWrites(capacity: 10_000))

    /// `oneRoundWrites`: let writes try one round trip (ignored with more than four replicas).
    public convenience init(membership: ClusterMembership, replica: ReplicaState, peers: PeerTransports,
                            peerTimeout: Duration = .seconds(2), oneRoundWrites: Bool = true) {
        self.init(membership: membership, replica: replica, peers: peers, peerTimeout: peerTimeout, oneRoundWrites: oneRoundWrites,
                  skipWriteBack: false, acknowledgeRefusedOffers: false)
    }

    init(membership: ClusterMembership, replica: ReplicaState, peers: PeerTransports, peerTimeout: Duration, oneRoundWrites: Bool,
         skipWriteBack: Bool, acknowledgeRefusedOffers: Bool) {
        self.skipWriteBack = skipWriteBack
        self.acknowledgeRefusedOffers = acknowledgeRefusedOffers
        self.oneRoundWrites = oneRoundWrites && OfferRound.isSupported(replicas: membership.members.count)
        selfID = membership.selfID
        self.replica = replica
        replicaCount = membership.members.count
        // A query that gets no answer in this time is asked of the other peers too.
        let hedge = min(peerTimeout, .milliseconds(250))
        let batchers = membership.peers.compactMap { member in
            peers[member.id].map { ReplicaCalls(peer: member.id, client: $0, timeout: peerTimeout, queryTimeout: hedge) }
        }
        self.peers = batchers
        preference = PeerPreference(members: membership.members.map(\.id), selfID: membership.selfID, peers: batchers)
    }

    /// Writes `value` (nil: delete). A `requestID` seen recently returns that write's version; one
    /// still running is awaited instead of started again; one that failed after choosing its
    /// version is finished with that same version (never a new one, which could make the value
    /// reappear after a newer write).
    public func write(_ key: String, value: String?, requestID: String?) async throws -> Version {
        guard let requestID else { return try await performWrite(key, value: value, requestID: nil) }
        enum Step { case done(Version), join(Task<Version, any Error>), start(Task<Version, any Error>) }
        let step = recent.withLock { recent -> Step in
            if let version = recent.lookup(requestID) { return .done(version) }
            if let running = recent.running[requestID] { return .join(running) }
            let task: Task<Version, any Error>
            // On this event loop, like the call itself (an unstructured task would otherwise run
            // on the global pool: a thread hop there and back for every write with a request id).
            let loop = EventLoop.current
            if let attempt = recent.attempted[requestID] {
                task = Task(executorPreference: loop) {
                    if attempt.offered { return try await self.offer(attempt.key, attempt.entry, requestID: requestID, again: true) }
                    try await self.storeQuorum(attempt.key, attempt.entry)
                    return attempt.entry.version
                }
            } else {
                task = Task(executorPreference: loop) { try await self.performWrite(key, value: value, requestID: requestID) }
            }
            recent.running[requestID] = task
            return .start(task)
        }
        switch step {
        case .done(let version):
            return version
        case .join(let task):
            return try await task.value
        case .start(let task):
            let result = await task.result
            recent.withLock { recent in
                recent.running[requestID] = nil
                if case .success(let version) = result {
                    recent.remember(requestID, version)
                    recent.attempted[requestID] = nil
                }
            }
            return try result.get()
        }
    }

    private func performWrite(_ key: String, value: String?, requestID: String?) async throws -> Version {
        if oneRoundWrites, preference.trustsEveryPeer { return try await offerWrite(key, value: value, requestID: requestID) }
        let answers = try await queryQuorum(key)
        let version = ReadDecision.nextVersion(after: Array(answers.values), writer: nextWriterID())
        let entry = Entry(version: version, value: value)
        // From here on the write may take effect: a retry must reuse this version.
        if let requestID { recent.withLock { $0.recordAttempt(requestID, key: key, entry: entry) } }
        try await storeQuorum(key, entry)
        return version
    }

    /// A writer id no other write uses: node/boot/sequence.
    func nextWriterID() -> String {
        "\(selfID)/\(bootID)/\(writeSequence.add(1, ordering: .relaxed).newValue)"
    }

    /// Reads the key's current entry (nil: never written).
    public func read(_ key: String) async throws -> Entry? {
        let answers = try await queryQuorum(key)
        switch ReadDecision.decide(Array(answers.values)) {
        case .answer(let entry):
            return entry
        case .writeBack(let entry):
            if !skipWriteBack { try await storeQuorum(key, entry) }
            return entry
        }
    }

    /// Asks this node and ⌊N/2⌋ peers (a majority when all answer); each peer that fails or does
    /// not answer in time is replaced by one not yet asked (see `PeerPreference`).
    private func queryQuorum(_ key: String) async throws -> [String: Entry?] {
        let waiter = QuorumWait<Entry?>(participants: replicaCount, needed: majority(of: replicaCount), shortfall: Self.noMajority)
        let order = preference.order()
        let fanout = QueryFanout(first: replicaCount / 2, count: order.count)
        @Sendable func ask(_ index: Int) {
            let peer = order[index]
            peer.query(key) { result in
                switch result {
                case .success:
                    self.preference.answered(peer.peer)
                case .failure:
                    self.preference.suspect(peer.peer)
                    if let next = fanout.claimNext() { ask(next) }
                }
                waiter.deliver(result, from: peer.peer)
            }
        }
        for index in 0..<fanout.first { ask(index) }
        do {
            let local = try await replica.query([key])
            waiter.deliver(.success(local.first ?? nil), from: selfID)
        } catch {
            if let next = fanout.claimNext() { ask(next) }
            waiter.deliver(.failure(ConnectError(.unavailable, "local replica: \(error)")), from: selfID)
        }
        return try await waiter.wait()
    }

    @Sendable static func noMajority(_ failures: [String]) -> ConnectError {
        ConnectError(.unavailable, "no majority of replicas answered (\(failures.joined(separator: "; "))); the outcome is unknown")
    }

    func storeQuorum(_ key: String, _ entry: Entry) async throws {
        let waiter = QuorumWait<Bool>(participants: replicaCount, needed: majority(of: replicaCount), shortfall: Self.noMajority)
        for peer in peers {
            let id = peer.peer
            peer.store(key, entry) { result in
                if case .success = result { self.preference.answered(id) }
                waiter.deliver(result.map { true }, from: id)
            }
        }
        do {
            try await replica.store([(key, entry)])
            waiter.deliver(.success(true), from: selfID)
        } catch {
            waiter.deliver(.failure(ConnectError(.unavailable, "local replica: \(error)")), from: selfID)
        }
        _ = try await waiter.wait()
    }
}
