import Foundation
import Testing
import BulletinCore
@testable import BulletinService
@testable import LogReplica
import Cluster
import RPC

struct SequentialBulletinTests {
    /// On its event loop the board may suspend between proposing a post and starting to wait for
    /// it, and a tick can commit and apply the post in that gap: the post must still be answered
    /// (found when one post in a few thousand waited out its 10 s deadline).
    @Test(.timeLimit(.minutes(2)))
    func aPostAppliedBeforeItsProposerWaitsIsStillAnswered() async throws {
        let membership = ClusterMembership.single(id: "n1", address: try SocketAddress(parsing: "127.0.0.1:1"))
        let board = try SequentialBulletin(membership: membership, replica: try BulletinReplica(origin: "log", nodeIndex: 0, log: nil),
                                        log: nil, recovery: nil, peers: PeerTransports(clients: [:]),
                                        options: .init(tickInterval: .milliseconds(1)), seed: 3)
        let runner = Task { await board.run() }
        defer { runner.cancel() }
        while await board.log.leader == nil { try await Task.sleep(for: .milliseconds(5)) }
        for index in 1...4000 {
            let draft = BulletinDraft(kind: .article, author: "a", title: "t\(index)", body: "b", requestId: "r\(index)", createdAtMs: 1)
            // From every loop in turn, the board's own included.
            let item = try await Task(executorPreference: EventLoop.group[index % EventLoop.group.count]) {
                try await board.submit(draft, timeout: .seconds(10))
            }.value
            #expect(item.id == Int64(index))
        }
        let leftovers = await board.log.early.count + board.log.waiters.count
        #expect(leftovers == 0)
    }
}
