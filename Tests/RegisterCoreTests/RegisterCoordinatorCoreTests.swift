import RegisterCore
import Testing

/// The ABD coordinator core driven by hand: the actions each event brings.
struct RegisterCoordinatorCoreTests {
    typealias Core = RegisterCoordinatorCore

    static func core(oneRound: Bool = true) -> Core {
        Core(selfID: "n1", members: ["n1", "n2", "n3"], bootID: "b", oneRoundWrites: oneRound)
    }

    static func entry(_ counter: UInt64, _ value: String?) -> Entry {
        Entry(version: Version(counter: counter, writer: "w\(counter)"), value: value)
    }

    /// A read asks itself and one peer (the next around the ring); agreeing answers end it, and
    /// a duplicate answer is not counted again.
    @Test func aReadOfAgreeingAnswersTakesOneRound() {
        var core = Self.core()
        let read = core.startRead("k")
        #expect(core.takeActions() == [.send(peer: "n2", operation: read, .query(key: "k")), .queryLocal(operation: read, key: "k")])
        core.receive(.queried(Self.entry(3, "x")), from: "n2", for: read)
        core.receive(.queried(Self.entry(3, "x")), from: "n2", for: read)
        #expect(core.takeActions().isEmpty)
        core.receive(.queried(Self.entry(3, "x")), from: "n1", for: read)
        #expect(core.takeActions() == [.complete(operation: read, .success(.read(Self.entry(3, "x"))))])
        #expect(core.running == 0)
    }

    /// Disagreeing answers: the highest is written back to a majority before the read answers.
    @Test func aReadOfDisagreeingAnswersWritesBack() {
        var core = Self.core()
        let read = core.startRead("k")
        _ = core.takeActions()
        core.receive(.queried(Self.entry(4, "new")), from: "n2", for: read)
        core.receive(.queried(Self.entry(3, "old")), from: "n1", for: read)
        let store = Core.Request.store(key: "k", entry: Self.entry(4, "new"))
        #expect(core.takeActions() == [.send(peer: "n2", operation: read, store), .send(peer: "n3", operation: read, store),
                                       .storeLocal(operation: read, key: "k", entry: Self.entry(4, "new"))])
        // A late query answer belongs to the finished phase: ignored.
        core.receive(.queried(nil), from: "n3", for: read)
        core.receive(.stored, from: "n3", for: read)
        #expect(core.takeActions().isEmpty)
        core.receive(.stored, from: "n1", for: read)
        #expect(core.takeActions() == [.complete(operation: read, .success(.read(Self.entry(4, "new"))))])
    }

    /// A failed query is replaced by the next peer, which is then suspected (asked last, and
    /// writes query first) until it answers again; with too many failures the read fails.
    @Test func aFailedPeerIsReplacedAndSuspected() {
        var core = Self.core()
        let read = core.startRead("k")
        _ = core.takeActions()
        core.receive(.failed(.query, reason: "down"), from: "n2", for: read)
        #expect(core.takeActions() == [.send(peer: "n3", operation: read, .query(key: "k"))])
        #expect(core.suspects == ["n2"])
        core.receive(.failed(.query, reason: "down too"), from: "n3", for: read)
        guard case .complete(read, .failure(.noMajority(let reasons))) = core.takeActions().last else {
            Issue.record("the read did not fail")
            return
        }
        #expect(reasons == ["n2: down", "n3: down too"])
        // The suspects are asked last, and a write queries first instead of offering.
        let write = core.startWrite("k", value: "v", requestID: nil, localVersion: nil)
        #expect(core.takeActions() == [.send(peer: "n2", operation: write, .query(key: "k")), .queryLocal(operation: write, key: "k")])
        core.receive(.queried(nil), from: "n2", for: write)
        #expect(core.suspects == ["n3"])
    }

    /// A one-round write offers the version after this node's own; a peer that holds it lets the
    /// coordinator show its copy, and the write completes once that copy is durable.
    @Test func aOneRoundWriteOffersRevealsAndAcknowledges() {
        var core = Self.core()
        let write = core.startWrite("k", value: "v", requestID: nil, localVersion: Version(counter: 7, writer: "x"))
        let entry = Entry(version: Version(counter: 8, writer: "n1/b/1"), value: "v")
        #expect(core.takeActions() == [.prepareLocal(operation: write, key: "k", entry: entry),
                                       .send(peer: "n2", operation: write, .offer(key: "k", entry: entry)),
                                       .send(peer: "n3", operation: write, .offer(key: "k", entry: entry))])
        core.receive(.offered(.held), from: "n2", for: write)
        #expect(core.takeActions() == [.reveal(operation: write, key: "k", entry: entry)])
        core.receive(.stored, from: "n1", for: write)
        #expect(core.takeActions() == [.complete(operation: write, .success(.wrote(entry.version)))])
    }

    /// Every peer refusing the offer (newer): the write is done again after their version.
    @Test func aRefusedOfferIsRewritten() {
        var core = Self.core()
        let write = core.startWrite("k", value: "v", requestID: nil, localVersion: nil)
        let offered = Entry(version: Version(counter: 1, writer: "n1/b/1"), value: "v")
        _ = core.takeActions()
        core.receive(.offered(.newer(Version(counter: 5, writer: "z"))), from: "n2", for: write)
        core.receive(.offered(.newer(Version(counter: 6, writer: "z"))), from: "n3", for: write)
        let rewritten = Entry(version: Version(counter: 7, writer: "n1/b/2"), value: "v")
        #expect(core.takeActions() == [.abandon(operation: write, key: "k", entry: offered),
                                       .send(peer: "n2", operation: write, .store(key: "k", entry: rewritten)),
                                       .send(peer: "n3", operation: write, .store(key: "k", entry: rewritten)),
                                       .storeLocal(operation: write, key: "k", entry: rewritten)])
    }

    /// A retried request id joins the running write, and after it completes gets its version
    /// at once; one that failed after choosing its entry stores that same entry again.
    @Test func requestIDsMakeRetriesHarmless() {
        var core = Self.core(oneRound: false)
        let first = core.startWrite("k", value: "v", requestID: "r", localVersion: nil)
        let joined = core.startWrite("k", value: "v", requestID: "r", localVersion: nil)
        _ = core.takeActions()
        core.receive(.queried(nil), from: "n1", for: first)
        core.receive(.queried(nil), from: "n2", for: first)
        let entry = Entry(version: Version(counter: 1, writer: "n1/b/1"), value: "v")
        _ = core.takeActions()
        core.receive(.failed(.store, reason: "x"), from: "n2", for: first)
        core.receive(.failed(.store, reason: "y"), from: "n3", for: first)
        let failed = core.takeActions()
        #expect(failed.count == 2 && failed.allSatisfy { if case .complete(_, .failure) = $0 { true } else { false } })
        #expect(failed.map { if case .complete(let id, _) = $0 { id } else { 0 } } == [first, joined])
        let retry = core.startWrite("k", value: "v", requestID: "r", localVersion: nil)
        #expect(core.takeActions().first == .send(peer: "n2", operation: retry, .store(key: "k", entry: entry)))
        core.receive(.stored, from: "n2", for: retry)
        core.receive(.stored, from: "n1", for: retry)
        #expect(core.takeActions() == [.complete(operation: retry, .success(.wrote(entry.version)))])
        let again = core.startWrite("k", value: "v", requestID: "r", localVersion: nil)
        #expect(core.takeActions() == [.complete(operation: again, .success(.wrote(entry.version)))])
    }

    /// The local copy is prepared before any offer leaves, on a first offer and on a retry's:
    /// a shell performs actions in order, and a peer's answer arriving before it holds the copy
    /// would ask to reveal nothing — the write then completed counting a copy no read could see
    /// (a network simulation under load caught reads going back past acknowledged writes).
    @Test func theLocalCopyIsPreparedBeforeAnyOfferLeaves() {
        var core = Self.core()
        let first = core.startWrite("k", value: "v", requestID: "r", localVersion: nil)
        let entry = Entry(version: Version(counter: 1, writer: "n1/b/1"), value: "v")
        #expect(core.takeActions() == [.prepareLocal(operation: first, key: "k", entry: entry),
                                       .send(peer: "n2", operation: first, .offer(key: "k", entry: entry)),
                                       .send(peer: "n3", operation: first, .offer(key: "k", entry: entry))])
        core.receive(.offered(.failed), from: "n2", for: first)
        core.receive(.offered(.failed), from: "n3", for: first)
        core.receive(.stored, from: "n1", for: first)
        #expect(core.takeActions() == [.abandon(operation: first, key: "k", entry: entry),
                                       .complete(operation: first, .failure(.unsettled(entry.version)))])
        let retry = core.startWrite("k", value: "v", requestID: "r", localVersion: nil)
        #expect(core.takeActions() == [.prepareLocal(operation: retry, key: "k", entry: entry),
                                       .send(peer: "n2", operation: retry, .offer(key: "k", entry: entry)),
                                       .send(peer: "n3", operation: retry, .offer(key: "k", entry: entry))])
    }
}
