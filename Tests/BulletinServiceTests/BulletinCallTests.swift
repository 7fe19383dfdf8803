import Replication
import BulletinCore
import Cluster
import Foundation
import LogReplica
import RPC
import Storage
import Testing
import TestSupport
@testable import BulletinService

/// The bulletin API in process (single replica, each mode) over the in-memory transport.
@Suite(.timeLimit(.minutes(1)))
struct BulletinCallTests {
    static func router(_ mode: any ConsistencyMode, limits: BulletinService.Limits = .init(), log: SequentialBulletin? = nil) -> RPCRouter {
        var router = RPCRouter()
        router.register(BulletinService(mode: mode, limits: limits))
        router.register(BulletinReplicaService(replica: mode.replica, sequential: log != nil))
        if let log { router.register(LogPeerService(replica: log.log)) }
        return router
    }

    static func client(_ router: RPCRouter) -> RPCClient {
        let network = InMemoryNetwork(seed: 1)
        network.attach("n1", responder: ConnectResponder(router: router, metrics: MetricsRegistry(), logger: .disabled))
        return RPCClient(transport: network.transport(from: "client", to: "n1"))
    }

    static func localFirst() throws -> LocalFirstBulletin {
        LocalFirstBulletin(replica: try BulletinReplica(origin: "n1", nodeIndex: 0, log: nil), peers: PeerTransports(clients: [:]),
                        peerTimeout: .seconds(1), antiEntropyInterval: .seconds(60))
    }

    @Test func badInputGetsClearErrorsAndChangesNothing() async throws {
        let mode = try Self.localFirst()
        let client = Self.client(Self.router(mode, limits: .init(author: 8, title: 10, body: 20)))
        func code(_ call: @Sendable () async throws -> Void) async -> (ConnectCode?, String) {
            do { try await call(); return (nil, "") } catch let error as ConnectError { return (error.code, error.message) } catch { return (nil, "\(error)") }
        }
        let cases: [(String, @Sendable () async throws -> Void, ConnectCode, String)] = [
            ("empty author", { _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: " ", title: "t", body: "b")) }, .invalidArgument, "author"),
            ("empty title", { _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "", body: "b")) }, .invalidArgument, "title"),
            ("empty body", { _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "t", body: "")) }, .invalidArgument, "body"),
            ("long title", { _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: String(repeating: "x", count: 11), body: "b")) }, .invalidArgument, "limit is 10"),
            ("long author", { _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: String(repeating: "é", count: 5), title: "t", body: "b")) }, .invalidArgument, "author"),
            ("bad session", { _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "t", body: "b", session: "garbage")) }, .invalidArgument, "session"),
            ("unknown parent", { _ = try await client.call(BulletinV1.Bulletin.reply, BulletinV1.ReplyRequest(parentId: 12345, author: "a", body: "b")) }, .notFound, "parent 12345"),
            ("missing parent", { _ = try await client.call(BulletinV1.Bulletin.reply, BulletinV1.ReplyRequest(parentId: 0, author: "a", body: "b")) }, .invalidArgument, "parentId"),
            ("unknown id", { _ = try await client.call(BulletinV1.Bulletin.get, BulletinV1.GetRequest(id: 99)) }, .notFound, "99"),
            ("bad page token", { _ = try await client.call(BulletinV1.Bulletin.list, BulletinV1.ListRequest(pageToken: "abc")) }, .invalidArgument, "pageToken"),
            ("page too big", { _ = try await client.call(BulletinV1.Bulletin.list, BulletinV1.ListRequest(pageSize: 5000)) }, .invalidArgument, "pageSize"),
        ]
        for (name, call, expected, text) in cases {
            let (got, message) = await code(call)
            #expect(got == expected, "\(name): got \(String(describing: got)) \(message)")
            #expect(message.contains(text), "\(name): message \"\(message)\" does not mention \(text)")
        }
        #expect(mode.replica.read { $0.count } == 0)
    }

    @Test func postReplyListGetAndIdempotentRetry() async throws {
        let mode = try Self.localFirst()
        let client = Self.client(Self.router(mode))
        let first = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "ann", title: "hello", body: "world", requestId: "r1"))
        let retry = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "ann", title: "hello", body: "world", requestId: "r1"))
        #expect(first.article == retry.article)
        let article = try #require(first.article)
        let reply = try await client.call(BulletinV1.Bulletin.reply, BulletinV1.ReplyRequest(parentId: article.id, author: "bob", body: "hi"))
        let nested = try await client.call(BulletinV1.Bulletin.reply, BulletinV1.ReplyRequest(parentId: try #require(reply.reply).id, author: "cy", body: "yo"))
        #expect(nested.reply?.articleId == article.id)
        let list = try await client.call(BulletinV1.Bulletin.list, BulletinV1.ListRequest())
        #expect(list.articles.map(\.id) == [article.id])
        #expect(list.articles.first?.replyCount == 2)
        let thread = try await client.call(BulletinV1.Bulletin.get, BulletinV1.GetRequest(id: try #require(nested.reply).id))
        #expect(thread.article?.id == article.id)
        #expect(thread.replies.first?.replies.first?.body == "yo")
        #expect(VersionVector(token: nested.session)?["n1"] == 3)
    }

    @Test func watchSendsExistingThenNewItems() async throws {
        let mode = try Self.localFirst()
        let client = Self.client(Self.router(mode))
        _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "old", body: "b"))
        let events = client.stream(BulletinV1.Bulletin.watch, BulletinV1.WatchRequest())
        var iterator = events.makeAsyncIterator()
        let old = try await iterator.next()
        #expect(old?.article?.title == "old")
        _ = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "new", body: "b"))
        let new = try await iterator.next()
        #expect(new?.article?.title == "new")
    }

    /// Quorum mode pages like the others: a List that does not show everything hands out a token
    /// (it used to merge exactly one page from each replica, so it never knew more existed: 250
    /// posts, pageSize 200 → 200 articles and no token).
    @Test func quorumListHandsOutNextPageTokens() async throws {
        let network = InMemoryNetwork(seed: 5)
        let ids = ["n1", "n2", "n3"]
        let members = try ids.enumerated().map { ClusterMembership.Member(id: $1, address: try SocketAddress(parsing: "127.0.0.1:\(9200 + $0)")) }
        for (index, id) in ids.enumerated() {
            let membership = try ClusterMembership(members: members, selfID: id)
            let replica = try BulletinReplica(origin: id, nodeIndex: index, log: nil)
            let board = QuorumBulletin(replica: replica, peers: PeerTransports(network: network, membership: membership, clusterToken: nil),
                                    readQuorum: 2, writeQuorum: 2, peerTimeout: .seconds(2), antiEntropyInterval: .seconds(60))
            var router = RPCRouter()
            router.register(BulletinService(mode: board))
            router.register(BulletinReplicaService(replica: replica, sequential: false))
            network.attach(id, responder: ConnectResponder(router: router, metrics: MetricsRegistry(), logger: .disabled))
        }
        let writer = RPCClient(transport: network.transport(from: "client", to: "n1"))
        for index in 0..<250 { _ = try await writer.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "t\(index)", body: "b")) }
        let reader = RPCClient(transport: network.transport(from: "client", to: "n2"))
        let first = try await reader.call(BulletinV1.Bulletin.list, BulletinV1.ListRequest(pageSize: 200))
        #expect(first.articles.count == 200)
        #expect(!first.nextPageToken.isEmpty, "no token although 50 more articles exist")
        let second = try await reader.call(BulletinV1.Bulletin.list, BulletinV1.ListRequest(pageSize: 200, pageToken: first.nextPageToken))
        #expect(second.articles.count == 50)
        #expect(second.nextPageToken.isEmpty)
        #expect(Set((first.articles + second.articles).map(\.id)).count == 250)
    }

    /// Read-your-writes replicas: posts on n1 (which pushes to nobody here) reach n2 by
    /// anti-entropy, which counts the items it brought (the `/metrics` counter).
    @Test func antiEntropyCountsTheItemsItPulls() async throws {
        let network = InMemoryNetwork(seed: 6)
        let ids = ["n1", "n2"]
        let members = try ids.enumerated().map { ClusterMembership.Member(id: $1, address: try SocketAddress(parsing: "127.0.0.1:\(9300 + $0)")) }
        var boards: [LocalFirstBulletin] = []
        for (index, id) in ids.enumerated() {
            let membership = try ClusterMembership(members: members, selfID: id)
            let replica = try BulletinReplica(origin: id, nodeIndex: index, log: nil)
            // n1 gets no peer clients, so nothing reaches n2 except by n2's own pull.
            let peers = id == "n1" ? PeerTransports(clients: [:]) : PeerTransports(network: network, membership: membership, clusterToken: nil)
            let board = LocalFirstBulletin(replica: replica, peers: peers, peerTimeout: .seconds(30), antiEntropyInterval: .seconds(3600))
            var router = RPCRouter()
            router.register(BulletinService(mode: board))
            router.register(BulletinReplicaService(replica: replica, sequential: false))
            network.attach(id, responder: ConnectResponder(router: router, metrics: MetricsRegistry(), logger: .disabled))
            boards.append(board)
        }
        let writer = RPCClient(transport: network.transport(from: "client", to: "n1"))
        for index in 0..<3 { _ = try await writer.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "t\(index)", body: "b")) }
        let gained = await boards[1].antiEntropy.pullAll(timeout: .seconds(30))
        #expect(gained == 3)
        #expect(boards[1].antiEntropy.counts.pulled == 3)
        #expect(boards[0].antiEntropy.counts.pulled == 0)
    }

    @Test func singleSequentialReplicaElectsItselfAndSurvivesRestart() async throws {
        let directory = ScratchDirectory.path("seq")
        let membership = ClusterMembership.single(id: "n1", address: try SocketAddress(parsing: "127.0.0.1:1"))
        func open() throws -> (SequentialBulletin, WriteAheadLog) {
            let (log, recovery) = try WriteAheadLog.open(directory: directory)
            let board = try SequentialBulletin(membership: membership, replica: try BulletinReplica(origin: "log", nodeIndex: 0, log: nil),
                                            log: log, recovery: recovery, peers: PeerTransports(clients: [:]),
                                            options: .init(tickInterval: .milliseconds(5)), seed: 3)
            return (board, log)
        }
        let (board, handle) = try open()
        let runner = Task { await board.run() }
        let client = Self.client(Self.router(board, log: board))
        var ids: [Int64] = []
        for index in 0..<5 {
            let posted = try await client.call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "t\(index)", body: "b"))
            ids.append(try #require(posted.article).id)
        }
        #expect(ids == [1, 2, 3, 4, 5])
        runner.cancel()
        handle.close()
        let (again, reopened) = try open()
        let rerun = Task { await again.run() }
        let after = try await Self.client(Self.router(again, log: again)).call(BulletinV1.Bulletin.post, BulletinV1.PostRequest(author: "a", title: "t5", body: "b"))
        #expect(after.article?.id == 6)
        #expect(again.replica.read { $0.count } == 6)
        rerun.cancel()
        reopened.close()
    }
}
