import Testing
@testable import RegisterCore

struct ReplicaStoreTests {
    @Test func versionsOrderByCounterThenWriter() {
        #expect(Version(counter: 1, writer: "z") < Version(counter: 2, writer: "a"))
        #expect(Version(counter: 2, writer: "a") < Version(counter: 2, writer: "b"))
        #expect(Version.zero < Version(counter: 1, writer: ""))
        #expect(Version(counter: 4, writer: "n1").next(by: "n3") == Version(counter: 5, writer: "n3"))
    }

    @Test func storeKeepsOnlyNewerEntriesInAnyOrder() {
        let a = Entry(version: Version(counter: 1, writer: "n1"), value: "a")
        let b = Entry(version: Version(counter: 2, writer: "n2"), value: "b")
        var first = ReplicaStore()
        let storedA = first.store("k", a)
        let storedB = first.store("k", b)
        let storedAgain = first.store("k", a)
        #expect(storedA && storedB && !storedAgain)
        var second = ReplicaStore()
        second.store("k", b)
        second.store("k", a)
        second.store("k", b)
        #expect(first == second)
        #expect(first.read("k") == b)
    }

    @Test func antiEntropyExchangesOnlyWhatDiffers() {
        var mine = ReplicaStore()
        var theirs = ReplicaStore()
        mine.store("same", Entry(version: Version(counter: 1, writer: "n1"), value: "s"))
        theirs.store("same", Entry(version: Version(counter: 1, writer: "n1"), value: "s"))
        mine.store("newer-here", Entry(version: Version(counter: 5, writer: "n1"), value: "x"))
        theirs.store("newer-here", Entry(version: Version(counter: 3, writer: "n2"), value: "old"))
        mine.store("only-here", Entry(version: Version(counter: 1, writer: "n1"), value: "o"))
        theirs.store("only-there", Entry(version: Version(counter: 1, writer: "n2"), value: "t"))
        #expect(Set(mine.newer(than: theirs.digest).keys) == ["newer-here", "only-here"])
        #expect(mine.behind(theirs.digest) == ["only-there"])
        for (key, entry) in mine.newer(than: theirs.digest) { theirs.store(key, entry) }
        for (key, entry) in theirs.newer(than: mine.digest) { mine.store(key, entry) }
        #expect(mine == theirs)
    }

    @Test func readDecisionFollowsABD() {
        let low = Entry(version: Version(counter: 1, writer: "n1"), value: "a")
        let high = Entry(version: Version(counter: 2, writer: "n2"), value: "b")
        #expect(ReadDecision.decide([nil, nil]) == .answer(nil))
        #expect(ReadDecision.decide([high, high]) == .answer(high))
        #expect(ReadDecision.decide([low, high]) == .writeBack(high))
        #expect(ReadDecision.decide([nil, low]) == .writeBack(low))
        #expect(ReadDecision.nextVersion(after: [low, high, nil], writer: "n3") == Version(counter: 3, writer: "n3"))
    }
}
