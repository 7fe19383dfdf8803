import Testing
import ReplicatedLog

struct RaftNodeTests {
    func node(_ id: String, _ members: [String] = ["a", "b", "c"]) -> RaftNode {
        RaftNode(configuration: .init(id: id, members: members, electionTicks: 3...3), seed: 1)
    }

    @Test func singleReplicaElectsItselfAndCommitsOncePersisted() {
        var raft = node("a", ["a"])
        for _ in 0..<3 { raft.tick() }
        #expect(raft.isLeader)
        guard case .appended(let index, let term) = raft.propose([1]) else {
            Issue.record("not leader")
            return
        }
        let ready = raft.takeReady()
        #expect(ready.hardState?.votedFor == "a")
        #expect(ready.entries.map(\.index) == [1, 2])   // the no-op, then the proposal
        #expect(ready.committed.isEmpty)                 // not durable yet
        raft.persisted(index: index, term: term)
        #expect(raft.takeReady().committed.map(\.data) == [[], [1]])
    }

    @Test func candidateWinsWithOneVoteOfThreeAndReplicates() {
        var a = node("a")
        for _ in 0..<3 { a.tick() }
        let ask = a.takeReady().messages
        #expect(ask.count == 2)
        var b = node("b")
        b.step(ask[0].message, from: "a")
        let vote = b.takeReady()
        #expect(vote.hardState == HardState(term: 1, votedFor: "a"))
        a.step(vote.messages[0].message, from: "b")
        #expect(a.isLeader)
        _ = a.propose([7])
        let append = a.takeReady()
        a.persisted(index: 2, term: 1)
        let toB = append.sendNow.first { $0.to == "b" }
        #expect(toB != nil)
        if let toB { b.step(toB.message, from: "a") }
        let ack = b.takeReady()
        #expect(ack.entries.count == 2)
        for message in ack.messages { a.step(message.message, from: "b") }
        #expect(a.takeReady().committed.map(\.index) == [1, 2])
    }

    @Test func staleTermIsRefusedAndRecentLeaderIsNotDeposed() {
        var b = node("b")
        b.step(.appendEntries(term: 5, prevIndex: 0, prevTerm: 0, entries: [], commit: 0), from: "a")
        _ = b.takeReady()
        b.step(.appendEntries(term: 4, prevIndex: 0, prevTerm: 0, entries: [], commit: 0), from: "c")
        #expect(b.takeReady().messages.first?.message == .appendResponse(term: 5, success: false, match: 0, hint: 0))
        // A candidate with a higher term is ignored while the leader was heard from recently.
        b.step(.requestVote(term: 9, lastIndex: 10, lastTerm: 8), from: "c")
        #expect(b.term == 5)
        #expect(b.takeReady().messages.isEmpty)
    }

    @Test func followerRefusesAGapAndHintsItsEnd() {
        var b = node("b")
        b.step(.appendEntries(term: 1, prevIndex: 4, prevTerm: 1, entries: [], commit: 0), from: "a")
        #expect(b.takeReady().messages.first?.message == .appendResponse(term: 1, success: false, match: 4, hint: 0))
    }
}
