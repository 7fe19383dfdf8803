import RPC
import Testing
@testable import ConsensusCore
import ReplicaMath

/// A book plus the events it applied, so tests can replay them.
struct RecordingBook {
    var book = PoolBook()
    var log: [PoolEvent] = []
    var now: Int64 = 1_000
    var tokenCounter = 0

    mutating func record(_ events: [PoolEvent]) {
        for event in events {
            book.apply(event)
            log.append(event)
        }
    }

    mutating func create(_ id: String, size: Int = 3, min: Int64 = 1, max: Int64 = 10, ttl: Int64 = 60) throws -> VotingPool {
        let event = try book.create(poolID: id, size: size, minValue: min, maxValue: max, ttlSeconds: ttl, now: now).get()
        record([event])
        return try #require(book.pools[id])
    }

    @discardableResult
    mutating func join(_ member: String, pool: String? = nil, token: String? = nil) -> Result<PoolBook.JoinDecision, PoolRejection> {
        tokenCounter += 1
        let result = book.join(member: member, poolID: pool, presentedToken: token, principal: nil, newToken: "tok-\(member)-\(tokenCounter)", now: now)
        if case .success(let decision) = result { record(decision.events) }
        return result
    }

    mutating func vote(_ pool: String, _ member: String, _ value: Int64, etag: String? = nil, round: Int? = nil) -> Result<PoolEvent?, PoolRejection> {
        let current = book.pools[pool]
        let token = current?.tokens[member]
        let result = book.vote(poolID: pool, member: member, presentedToken: token, principal: nil,
                               round: round ?? current?.round ?? 0, value: value, etag: etag ?? current?.etag ?? "\"v0\"", now: now)
        if case .success(let event?) = result { record([event]) }
        return result
    }
}

struct PoolBookTests {
    /// A value wins exactly when it reaches ⌊N/2⌋+1 votes.
    @Test(arguments: 2...9)
    func majorityMath(size: Int) throws {
        var book = RecordingBook()
        _ = try book.create("p", size: size)
        for index in 0..<size { book.join("m\(index)", pool: "p") }
        let majority = ReplicaMath.majority(of: size)
        for index in 0..<majority {
            #expect(book.book.pools["p"]?.state != .success, "decided after \(index) of \(majority) votes")
            _ = try book.vote("p", "m\(index)", 7).get()
        }
        let pool = try #require(book.book.pools["p"])
        #expect(pool.state == .success)
        #expect(pool.winner == 7)
        #expect(pool.closed)
    }

    @Test func aRoundWithoutMajorityFailsAndTheNextOpens() throws {
        var book = RecordingBook()
        _ = try book.create("p", size: 3)
        for member in ["a", "b", "c"] { book.join(member, pool: "p") }
        _ = try book.vote("p", "a", 1).get()
        _ = try book.vote("p", "b", 2).get()
        #expect(book.book.pools["p"]?.state == .waiting)
        _ = try book.vote("p", "c", 3).get()
        let pool = try #require(book.book.pools["p"])
        #expect(pool.state == .failed)
        #expect(!pool.closed)
        #expect(pool.round == 2)
        #expect(pool.history.count == 1 && pool.history[0].winner == nil)
        _ = try book.vote("p", "a", 4).get()
        #expect(book.book.pools["p"]?.state == .waiting)
    }

    @Test func staleETagsAreRejectedAndRetriesWithTheCurrentOneSucceed() throws {
        var book = RecordingBook()
        _ = try book.create("p", size: 3)
        for member in ["a", "b", "c"] { book.join(member, pool: "p") }
        let seen = try #require(book.book.pools["p"]?.etag)
        _ = try book.vote("p", "a", 5, etag: seen).get()
        #expect(book.vote("p", "b", 5, etag: seen) == .failure(.stale("etag \(seen) is stale; the pool is at \"v5\"")))
        _ = try book.vote("p", "b", 5).get()
        #expect(book.book.pools["p"]?.winner == 5)
        #expect(book.vote("p", "c", 5, etag: "v-bad") == .failure(.invalid("malformed etag v-bad; expected a value like \"v7\" from the pool")))
    }

    @Test func oneVotePerMemberPerRoundAndRepeatsAreIdempotent() throws {
        var book = RecordingBook()
        _ = try book.create("p", size: 3)
        for member in ["a", "b", "c"] { book.join(member, pool: "p") }
        _ = try book.vote("p", "a", 1).get()
        #expect(book.vote("p", "a", 1) == .success(nil))
        guard case .failure(.notAllowed) = book.vote("p", "a", 2) else { Issue.record("double vote accepted"); return }
    }

    @Test func lateJoinersGetTheNextPoolNotAStrandedOne() throws {
        var book = RecordingBook()
        for member in ["a", "b", "c"] { _ = try book.join(member).get() }
        let first = try #require(book.book.ordered.first)
        #expect(first.isFull && first.state == .waiting)
        let late = try book.join("d").get()
        #expect(late.poolID != first.id)
        guard case .failure(.notAllowed) = book.join("e", pool: first.id) else { Issue.record("joined a full pool"); return }
        guard case .failure(.alreadyExists) = book.join("a", pool: first.id) else { Issue.record("duplicate member"); return }
        let rejoin = try book.join("a", pool: first.id, token: first.tokens["a"]).get()
        #expect(rejoin.events.isEmpty && rejoin.token == first.tokens["a"])
        // A client-proposed token makes a retried join (answer lost) a harmless rejoin, even without a pool id.
        let proposed = "client-chosen-token-123"
        let fresh = try book.join("z", token: proposed).get()
        #expect(fresh.token == proposed && !fresh.events.isEmpty)
        let retried = try book.join("z", token: proposed).get()
        #expect(retried.events.isEmpty && retried.poolID == fresh.poolID)
        guard case .failure(.invalid) = book.join("y", token: "short") else { Issue.record("short token accepted"); return }
    }

    /// Without a pool id a member joins the pool it is already in, else the oldest open one, by
    /// creation order (not by id).
    @Test func aJoinWithoutPoolIDFindsTheOldestOpenPool() throws {
        var book = RecordingBook()
        for id in ["b", "a", "c"] { _ = try book.create(id) }
        for member in ["m1", "m2", "m3"] { #expect(try book.join(member).get().poolID == "b") }
        #expect(try book.join("m4").get().poolID == "a")
        _ = try book.join("m5", pool: "c").get()
        #expect(try book.join("m5", token: "tok-m5-5").get().poolID == "c")
        #expect(try book.join("m6").get().poolID == "a")
    }

    /// A page is the oldest matching pools after the cursor, in creation order, whatever the
    /// dictionary's order: checked against sorting the whole book.
    @Test func pagesFollowCreationOrder() throws {
        var book = RecordingBook()
        for index in 0..<60 { _ = try book.create("p\((index * 37) % 60)") }
        for index in stride(from: 0, to: 60, by: 3) { _ = try book.join("m", pool: "p\(index)").get() }
        for after: UInt64 in [0, 7, 30, 59, 60] {
            for limit in [0, 1, 5, 20, 100] {
                for condition in [{ (_: VotingPool) in true }, { (pool: VotingPool) in pool.members.isEmpty }] {
                    let expected = Array(book.book.ordered.filter { $0.sequence > after && condition($0) }.prefix(limit))
                    #expect(book.book.page(after: after, limit: limit, where: condition).map(\.id) == expected.map(\.id),
                            "after \(after), limit \(limit)")
                }
            }
        }
    }

    @Test func decidedPoolsRejectJoinsAndVotes() throws {
        var book = RecordingBook()
        _ = try book.create("p", size: 2)
        book.join("a", pool: "p")
        book.join("b", pool: "p")
        _ = try book.vote("p", "a", 3).get()
        _ = try book.vote("p", "b", 3).get()
        guard case .failure(.notAllowed) = book.vote("p", "a", 4, round: 2) else { Issue.record("vote after decision"); return }
        guard case .failure(.notAllowed) = book.join("c", pool: "p") else { Issue.record("join after decision"); return }
    }

    @Test func badInputIsRejectedWithClearReasons() throws {
        var book = RecordingBook()
        _ = try book.create("p", size: 3)
        for member in ["a", "b", "c"] { book.join(member, pool: "p") }
        guard case .failure(.invalid(let message)) = book.vote("p", "a", 11) else { Issue.record("out of range accepted"); return }
        #expect(message.contains("between 1 and 10"))
        #expect(book.vote("nope", "a", 1) == .failure(.notFound("no pool \"nope\"")))
        let wrongToken = book.book.vote(poolID: "p", member: "a", presentedToken: "forged", principal: nil, round: 1, value: 1,
                                        etag: book.book.pools["p"]!.etag, now: 0)
        guard case .failure(.unauthenticated) = wrongToken else { Issue.record("forged token accepted"); return }
        let asClient = book.book.vote(poolID: "p", member: "a", presentedToken: nil, principal: "a", round: 1, value: 1,
                                      etag: book.book.pools["p"]!.etag, now: 0)
        guard case .success = asClient else { Issue.record("authenticated client refused"); return }
        guard case .failure(.invalid) = book.book.create(poolID: "bad id!", size: 3, minValue: nil, maxValue: nil, ttlSeconds: nil, now: 0) else {
            Issue.record("bad pool id accepted"); return
        }
        guard case .failure(.invalid) = book.book.create(poolID: "x", size: 1, minValue: nil, maxValue: nil, ttlSeconds: nil, now: 0) else {
            Issue.record("size 1 accepted"); return
        }
        guard case .failure(.alreadyExists) = book.book.create(poolID: "p", size: 3, minValue: nil, maxValue: nil, ttlSeconds: nil, now: 0) else {
            Issue.record("duplicate pool accepted"); return
        }
    }

    @Test func idlePoolsExpireAndClosedPoolsAreRemovedAfterTheirTTL() throws {
        var book = RecordingBook()
        _ = try book.create("open", ttl: 10)
        book.join("a", pool: "open")
        book.now += 9_000
        #expect(book.book.expire(now: book.now).isEmpty)
        book.now += 1_000
        let expired = book.book.expire(now: book.now)
        #expect(expired.count == 1)
        book.record(expired)
        let pool = try #require(book.book.pools["open"])
        #expect(pool.state == .failed && pool.closed)
        #expect(pool.reason.contains("only 1 of 3 members joined"))
        book.now += 10_000
        book.record(book.book.expire(now: book.now))
        #expect(book.book.pools.isEmpty)
    }

    @Test func theCapOnPoolsIsResourceExhaustion() throws {
        var limits = PoolBook.Limits()
        limits.maxPools = 2
        var book = PoolBook(limits: limits)
        book.apply(try book.create(poolID: "a", size: 2, minValue: nil, maxValue: nil, ttlSeconds: nil, now: 0).get())
        book.apply(try book.create(poolID: "b", size: 2, minValue: nil, maxValue: nil, ttlSeconds: nil, now: 0).get())
        #expect(book.create(poolID: "c", size: 2, minValue: nil, maxValue: nil, ttlSeconds: nil, now: 0) == .failure(.tooManyPools(2)))
    }

    /// Seeded random schedules of 3–9 members with stale etags and retries: never two winners,
    /// a winner always had a strict majority, and replaying the log rebuilds the same book.
    @Test(arguments: 0..<200)
    func randomSchedulesKeepTheInvariants(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var book = RecordingBook()
        let size = Int(generator.next() % 7) + 3
        let pool = try book.create("p", size: size, min: 1, max: Int64(generator.next() % 3) + 2)
        let members = (0..<size).map { "m\($0)" }
        for member in members { _ = try book.join(member, pool: pool.id).get() }
        var steps = 0
        while book.book.pools["p"]?.closed == false && steps < 10_000 {
            steps += 1
            let current = try #require(book.book.pools["p"])
            let member = members[Int(generator.next() % UInt64(size))]
            let value = Int64(generator.next() % UInt64(current.maxValue)) + 1
            // Sometimes use an etag from a few versions ago, as a slow client would.
            let stale = generator.next() % 4 == 0 && current.version > 2
            let etag = stale ? "\"v\(current.version - 1)\"" : current.etag
            switch book.vote("p", member, value, etag: etag) {
            case .success: break
            case .failure(.stale): #expect(stale, "seed \(seed): fresh etag called stale")
            case .failure(.notAllowed): #expect(current.votes[member] != nil, "seed \(seed): refused a first vote")
            case .failure(let other): Issue.record("seed \(seed): unexpected \(other)")
            }
        }
        let final = try #require(book.book.pools["p"])
        #expect(final.state == .success, "seed \(seed): undecided after \(steps) steps")
        let winners = final.history.compactMap(\.winner)
        #expect(winners.count == 1, "seed \(seed)")
        if let round = final.history.last, let winner = round.winner {
            #expect(round.votes.values.filter { $0 == winner }.count >= final.majority, "seed \(seed)")
            #expect(final.winner == winner)
        }
        for round in final.history.dropLast() {
            #expect(round.votes.count == size && round.winner == nil, "seed \(seed)")
        }
        var replayed = PoolBook()
        for event in book.log { replayed.apply(event) }
        #expect(replayed == book.book, "seed \(seed): replay diverged")
    }
}
