import Testing
import ReplicatedLog

/// A tiny synchronous cluster for unit tests: messages are delivered when asked, every write is
/// durable at once.
struct TinyCluster {
    var nodes: [String: RaftNode] = [:]
    var queue: [(from: String, message: OutgoingMessage)] = []
    var cut: Set<String> = []
    var reads: [String: [ReadState]] = [:]

    init(_ ids: [String], electionTicks: ClosedRange<Int> = 3...3, preVote: Bool = true) {
        for (offset, id) in ids.enumerated() {
            nodes[id] = RaftNode(configuration: .init(id: id, members: ids, electionTicks: electionTicks, preVote: preVote),
                                 seed: UInt64(offset + 1))
        }
    }

    mutating func drain(_ id: String) {
        guard var node = nodes[id] else { return }
        let ready = node.takeReady()
        if let term = node.log.term(at: node.log.lastIndex) { node.persisted(index: node.log.lastIndex, term: term) }
        nodes[id] = node
        reads[id, default: []].append(contentsOf: ready.reads)
        for message in ready.sendNow + ready.messages { queue.append((id, message)) }
    }

    /// Delivers queued messages (and what they cause) until quiet, dropping those across `cut`.
    mutating func deliverAll(limit: Int = 10_000) {
        for id in nodes.keys.sorted() { drain(id) }
        var steps = 0
        while !queue.isEmpty, steps < limit {
            steps += 1
            let (from, outgoing) = queue.removeFirst()
            if cut.contains(from) || cut.contains(outgoing.to) { continue }
            nodes[outgoing.to]?.step(outgoing.message, from: from)
            drain(outgoing.to)
            drain(from)
        }
    }

    mutating func tick(_ ids: [String]? = nil, times: Int = 1) {
        for _ in 0..<times {
            for id in ids ?? nodes.keys.sorted() { nodes[id]?.tick() }
            deliverAll()
        }
    }

    var leader: String? { nodes.values.first { $0.isLeader }?.configuration.id }
}

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

    @Test func preVoteThenVoteThenReplication() {
        var cluster = TinyCluster(["a", "b", "c"])
        cluster.tick(["a"], times: 3)
        #expect(cluster.leader == "a")
        #expect(cluster.nodes["a"]?.term == 1, "the pre-vote did not change the term")
        guard case .appended(let index, _)? = cluster.nodes["a"]?.propose([7]) else {
            Issue.record("not leader")
            return
        }
        cluster.deliverAll()
        #expect(cluster.nodes.values.allSatisfy { $0.commitIndex >= index }, "the leader tells followers its new commit index at once")
    }

    /// A replica cut off from the others keeps its term (its pre-votes fail) and, back, does not
    /// depose the healthy leader.
    @Test func aRejoiningReplicaDoesNotDeposeTheLeader() {
        var cluster = TinyCluster(["a", "b", "c"])
        cluster.tick(["a"], times: 3)
        #expect(cluster.leader == "a")
        let term = cluster.nodes["a"]?.term
        cluster.cut = ["c"]
        cluster.tick(times: 30)
        #expect(cluster.nodes["c"]?.term == term, "pre-votes never raise the term")
        cluster.cut = []
        cluster.tick(times: 10)
        #expect(cluster.leader == "a")
        #expect(cluster.nodes["a"]?.term == term)
    }

    /// A leader that cannot hear a majority steps down within an election timeout.
    @Test func checkQuorumMakesAnIsolatedLeaderStepDown() {
        var cluster = TinyCluster(["a", "b", "c"])
        cluster.tick(["a"], times: 3)
        cluster.cut = ["a"]
        cluster.tick(["a"], times: 7)
        #expect(cluster.nodes["a"]?.isLeader == false)
    }

    /// ReadIndex: confirmed only after a majority answered a heartbeat sent after the request,
    /// at the leader's commit index.
    @Test func readsAreConfirmedByAMajority() {
        var cluster = TinyCluster(["a", "b", "c"])
        cluster.tick(["a"], times: 3)
        guard case .appended(let index, _)? = cluster.nodes["a"]?.propose([1]) else { return }
        cluster.deliverAll()
        cluster.cut = ["b", "c"]
        #expect(cluster.nodes["a"]?.readIndex(id: 1) == .pending)
        cluster.deliverAll()
        #expect(cluster.reads["a", default: []].isEmpty, "no majority answered: not confirmed")
        cluster.cut = []
        cluster.tick(["a"])
        #expect(cluster.reads["a"] == [ReadState(id: 1, index: index)])
        #expect(cluster.nodes["b"]?.readIndex(id: 2) == .notLeader(leader: "a"))
    }

    /// Hand-over: the leader brings a follower up to date and tells it to campaign; it wins at
    /// once without waiting for an election timeout, and the old leader refuses proposals meanwhile.
    @Test func leadershipTransfer() {
        var cluster = TinyCluster(["a", "b", "c"], electionTicks: 10...10)
        cluster.tick(["a"], times: 10)
        #expect(cluster.leader == "a")
        let target = cluster.nodes["a"]?.transferLeadership(to: "b")
        #expect(target == "b")
        #expect(cluster.nodes["a"]?.propose([9]) == .notLeader(leader: nil))
        cluster.deliverAll()
        #expect(cluster.leader == "b")
    }

    /// Compaction and snapshot install: a follower whose next entries are compacted gets the
    /// snapshot, restores it, and continues from the entries after it.
    @Test func aLaggingFollowerCatchesUpBySnapshot() {
        var cluster = TinyCluster(["a", "b", "c"])
        cluster.tick(["a"], times: 3)
        cluster.cut = ["c"]
        for value in 0..<20 { _ = cluster.nodes["a"]?.propose([UInt8(value)]); cluster.deliverAll() }
        guard let commit = cluster.nodes["a"]?.commitIndex else { return }
        cluster.nodes["a"]?.compact(through: commit, data: Array("image".utf8))
        #expect(cluster.nodes["a"]?.log.snapshotIndex == commit)
        cluster.cut = []
        var installed: SnapshotInstall?
        for _ in 0..<5 {
            cluster.nodes["a"]?.tick()
            // Deliver one message at a time so c's Ready (with the snapshot) can be seen.
            for id in cluster.nodes.keys.sorted() { cluster.drain(id) }
            while !cluster.queue.isEmpty {
                let (from, outgoing) = cluster.queue.removeFirst()
                cluster.nodes[outgoing.to]?.step(outgoing.message, from: from)
                if outgoing.to == "c", let node = cluster.nodes["c"] {
                    var copy = node
                    let ready = copy.takeReady()
                    if let snapshot = ready.snapshot { installed = snapshot }
                    cluster.nodes["c"] = copy
                    if let term = copy.log.term(at: copy.log.lastIndex) { cluster.nodes["c"]?.persisted(index: copy.log.lastIndex, term: term) }
                    for message in ready.sendNow + ready.messages { cluster.queue.append(("c", message)) }
                } else {
                    cluster.drain(outgoing.to)
                }
            }
        }
        #expect(installed?.index == commit)
        #expect(installed?.data == Array("image".utf8))
        _ = cluster.nodes["a"]?.propose([99])
        cluster.deliverAll()
        #expect(cluster.nodes["c"]?.commitIndex == cluster.nodes["a"]?.commitIndex)
    }

    /// A replica rebuilding damaged state refuses every vote until it has caught up with a leader.
    @Test func aRebuildingReplicaDoesNotVoteUntilCaughtUp() {
        var rebuilding = RaftNode(configuration: .init(id: "c", members: ["a", "b", "c"], electionTicks: 3...3), seed: 3, rebuilding: true)
        rebuilding.step(.requestVote(term: 2, lastIndex: 5, lastTerm: 1, preVote: false, transfer: false), from: "b")
        #expect(rebuilding.takeReady().messages.first?.message == .voteResponse(term: 2, granted: false, preVote: false))
        for _ in 0..<10 { rebuilding.tick() }
        #expect(rebuilding.role == .follower, "it never campaigns")
        rebuilding.step(.appendEntries(term: 2, prevIndex: 0, prevTerm: 0, entries: [LogEntry(term: 2, index: 1, data: [])],
                                       commit: 1, round: 0), from: "a")
        var ready = rebuilding.takeReady()
        #expect(!ready.rebuilt, "not durable yet")
        rebuilding.persisted(index: 1, term: 2)
        ready = rebuilding.takeReady()
        #expect(ready.rebuilt)
        #expect(ready.hardState?.votedFor == "a")
        #expect(!rebuilding.rebuilding)
    }

    @Test func staleTermIsRefusedAndRecentLeaderIsNotDeposed() {
        var b = node("b")
        b.step(.appendEntries(term: 5, prevIndex: 0, prevTerm: 0, entries: [], commit: 0, round: 0), from: "a")
        _ = b.takeReady()
        b.step(.appendEntries(term: 4, prevIndex: 0, prevTerm: 0, entries: [], commit: 0, round: 0), from: "c")
        #expect(b.takeReady().messages.first?.message == .appendResponse(term: 5, success: false, match: 0, hint: 0, round: 0))
        // A candidate with a higher term is ignored while the leader was heard from recently.
        b.step(.requestVote(term: 9, lastIndex: 10, lastTerm: 8, preVote: false, transfer: false), from: "c")
        #expect(b.term == 5)
        #expect(b.takeReady().messages.isEmpty)
    }

    @Test func followerRefusesAGapAndHintsItsEnd() {
        var b = node("b")
        b.step(.appendEntries(term: 1, prevIndex: 4, prevTerm: 1, entries: [], commit: 0, round: 3), from: "a")
        #expect(b.takeReady().messages.first?.message == .appendResponse(term: 1, success: false, match: 4, hint: 0, round: 3))
    }
}
