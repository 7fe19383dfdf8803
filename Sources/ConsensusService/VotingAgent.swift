import Foundation
public import RPC
import ReplicaMath

/// One voting client, as the seeds' `client.py` was: joins a pool, waits for changes by watching
/// it (no polling), votes once per round with the pool's current etag, and returns the decision.
///
/// Guarantees: keeps retrying with capped, jittered backoff while no server answers (it may start
/// before the server) until `patience` runs out; a lost answer to a join or vote is harmless (it
/// proposes its own member token, and a repeated vote is recognised by the server); a stale etag
/// is retried at once with the pool the error carries. It waits on one `WatchPool` stream kept
/// open while it needs it (each change is a message on it, not a new connection). Every call has
/// a short timeout (`callTimeout`) and the watch is renewed, so a replica that stops answering
/// (paused, cut off) costs at most that long before a client over several replicas moves to another.
public struct VotingAgent: Sendable {
    public enum Strategy: String, Sendable, CaseIterable {
        /// A fresh uniform value every round.
        case random
        /// The same value every round.
        case stubborn
        /// The most common value cast so far this round, else last round's, else random.
        case followMajority = "follow-majority"
    }

    /// How the agent ended.
    public struct Decision: Sendable, Hashable, CustomStringConvertible {
        public let poolID: String
        public let round: Int32
        public let winner: Int64
        public var description: String { "pool=\(poolID) round=\(round) winner=\(winner)" }
    }

    /// Why the agent gave up.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public let client: RPCClient
    public let memberID: String
    public let poolID: String?
    public let strategy: Strategy
    public let patience: Duration
    public var callTimeout: Duration = .seconds(2)
    /// How long one watch lasts before it is renewed (after a fresh read).
    public var watchRenewal: Duration = .seconds(10)
    let seed: UInt64?

    public init(client: RPCClient, memberID: String, poolID: String? = nil, strategy: Strategy = .random,
                patience: Duration = .seconds(60), seed: UInt64? = nil) {
        self.client = client
        self.memberID = memberID
        self.poolID = poolID
        self.strategy = strategy
        self.patience = patience
        self.seed = seed
    }

    public func run() async throws -> Decision {
        let deadline = ContinuousClock.now + patience
        var random: any RandomNumberGenerator = seed.map { SeededGenerator(seed: $0) as any RandomNumberGenerator } ?? SystemRandomNumberGenerator()
        let token = "agent-" + ConsensusNode.randomToken()
        var backoff = Backoff()
        var pool = try await retrying(deadline, &backoff) {
            try Self.pool(of: try await client.call(ConsensusV1.Consensus.joinPool,
                                                    ConsensusV1.JoinPoolRequest(memberId: memberID, poolId: poolID ?? "", memberToken: token),
                                                    options: options(deadline)).pool)
        }
        var stubbornValue: Int64?
        var watch: Watch?
        while true {
            if pool.closed {
                guard pool.state == .success, let winner = pool.winner else {
                    throw Failure(description: "pool=\(pool.poolId) failed: \(pool.reason.isEmpty ? pool.state.name : pool.reason)")
                }
                return Decision(poolID: pool.poolId, round: pool.history.last?.round ?? pool.round, winner: winner)
            }
            guard ContinuousClock.now < deadline else { throw Failure(description: "pool=\(pool.poolId) undecided after \(patience)") }
            let voting = pool.state == .waiting || pool.state == .failed
            if voting && pool.votesThisRound[memberID] == nil {
                let value = choose(pool, stubborn: &stubbornValue, random: &random)
                let request = ConsensusV1.VoteRequest(poolId: pool.poolId, memberId: memberID, memberToken: token, round: pool.round, value: value, etag: pool.etag)
                switch await vote(request, deadline: deadline) {
                case .success(let response):
                    pool = try Self.pool(of: response.pool)
                    backoff = Backoff()
                case .failure(let error):
                    pool = try await recover(from: error, pool: pool, deadline: deadline, backoff: &backoff)
                }
                continue
            }
            pool = try await nextChange(after: pool, watch: &watch, deadline: deadline, backoff: &backoff)
        }
    }

    /// The pool a response must carry.
    static func pool(of pool: ConsensusV1.Pool?) throws(ConnectError) -> ConsensusV1.Pool {
        guard let pool else { throw ConnectError(.internal, "the response carries no pool") }
        return pool
    }

    /// A call's options: the short per-call timeout, never past the agent's deadline.
    func options(_ deadline: ContinuousClock.Instant) -> CallOptions {
        CallOptions(timeout: max(.milliseconds(1), min(callTimeout, deadline - .now)))
    }

    private func vote(_ request: ConsensusV1.VoteRequest, deadline: ContinuousClock.Instant) async -> Result<ConsensusV1.VoteResponse, ConnectError> {
        do {
            return .success(try await client.call(ConsensusV1.Consensus.vote, request, options: options(deadline)))
        } catch {
            return .failure(error)
        }
    }

    /// After a failed vote: the pool from a stale-etag error, or a fresh read.
    private func recover(from error: ConnectError, pool: ConsensusV1.Pool, deadline: ContinuousClock.Instant, backoff: inout Backoff) async throws -> ConsensusV1.Pool {
        if error.code == .failedPrecondition, let detail = error.details.first(where: { $0.type == ConsensusV1.Pool.schema.name }),
           let binary = ConnectError.binaryValue(of: detail), let current = try? ConsensusV1.Pool.decodeBinary(binary) {
            return current
        }
        switch error.code {
        case .unavailable, .deadlineExceeded, .failedPrecondition, .resourceExhausted, .canceled, .unknown, .internal:
            if error.code != ConnectCode.failedPrecondition { try await backoff.pause(until: deadline) }
            return try await retrying(deadline, &backoff) {
                try await client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: pool.poolId), options: options(deadline))
            }
        default:
            throw Failure(description: "pool=\(pool.poolId) vote refused: \(error.code.wireName): \(error.message)")
        }
    }

    /// An open `WatchPool` stream and when it is due for renewal.
    struct Watch {
        var changes: AsyncThrowingStream<ConsensusV1.Pool, any Error>.Iterator
        let renewAt: ContinuousClock.Instant
    }

    /// Waits for a state of the pool newer than `pool` on the open watch (opened from `pool` when
    /// there is none, or renewed), skipping states the agent already has (its own vote's answer
    /// can be ahead of the stream); reopens with backoff if the stream breaks.
    private func nextChange(after pool: ConsensusV1.Pool, watch: inout Watch?, deadline: ContinuousClock.Instant,
                            backoff: inout Backoff) async throws -> ConsensusV1.Pool {
        let seen = ConsensusNode.version(ofETag: pool.etag) ?? 0
        while ContinuousClock.now < deadline {
            if watch.map({ $0.renewAt <= .now }) ?? true {
                let left = min(watchRenewal, deadline - .now)
                let request = ConsensusV1.WatchPoolRequest(poolId: pool.poolId, afterEtag: pool.etag)
                watch = Watch(changes: client.stream(ConsensusV1.Consensus.watchPool, request, options: CallOptions(timeout: left)).makeAsyncIterator(),
                              renewAt: .now + left)
            }
            do {
                while let next = try await watch?.changes.next() {
                    if ConsensusNode.version(ofETag: next.etag).map({ $0 > seen }) ?? true { return next }
                }
            } catch let error as ConnectError where error.code == .notFound {
                throw Failure(description: "pool=\(pool.poolId) no longer exists")
            } catch {}
            // The stream ended or broke (a watch that merely ran out of time renews at once).
            watch = nil
            if let fresh = try? await client.call(ConsensusV1.Consensus.getPool, ConsensusV1.GetPoolRequest(poolId: pool.poolId), options: options(deadline)) {
                if fresh.etag != pool.etag { return fresh }
            } else {
                try await backoff.pause(until: deadline)
            }
        }
        throw Failure(description: "pool=\(pool.poolId) undecided after \(patience)")
    }

    private func retrying<T>(_ deadline: ContinuousClock.Instant, _ backoff: inout Backoff, _ body: () async throws -> T) async throws -> T {
        while true {
            do {
                return try await body()
            } catch let error as ConnectError {
                guard [ConnectCode.unavailable, .deadlineExceeded, .resourceExhausted].contains(error.code), ContinuousClock.now < deadline else {
                    throw Failure(description: "\(error.code.wireName): \(error.message)")
                }
                try await backoff.pause(until: deadline)
            }
        }
    }

    func choose(_ pool: ConsensusV1.Pool, stubborn: inout Int64?, random: inout any RandomNumberGenerator) -> Int64 {
        let range = pool.minValue...max(pool.minValue, pool.maxValue)
        switch strategy {
        case .random:
            return Int64.random(in: range, using: &random)
        case .stubborn:
            if let stubborn { return stubborn }
            let value = Int64.random(in: range, using: &random)
            stubborn = value
            return value
        case .followMajority:
            let votes = pool.votesThisRound.isEmpty ? pool.history.last?.votes ?? [:] : pool.votesThisRound
            let counts = votes.values.reduce(into: [Int64: Int]()) { $0[$1, default: 0] += 1 }
            if let best = counts.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }) { return best.key }
            return Int64.random(in: range, using: &random)
        }
    }
}

/// Capped exponential backoff with full jitter for the agent's retries (20 ms doubling to 1 s).
struct Backoff {
    var attempt = 0

    mutating func pause(until deadline: ContinuousClock.Instant) async throws {
        attempt += 1
        var generator = SystemRandomNumberGenerator()
        let pause = RetryPolicy(maxAttempts: .max, initialBackoff: .milliseconds(20), maxBackoff: .seconds(1)).backoff(attempt: attempt, using: &generator)
        let left = deadline - .now
        guard left > .zero else { throw VotingAgent.Failure(description: "gave up waiting for a server") }
        try await Task.sleep(for: min(pause, left))
    }
}
