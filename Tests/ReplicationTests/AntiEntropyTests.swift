import Cluster
import Replication
import RPC
import Synchronization
import Testing

/// The loop's promises with a scripted exchange (no network: the clients are never called).
struct AntiEntropyTests {
    /// Answers per peer: items moved, or a failure for the first `failures[peer]` exchanges.
    final class ScriptedExchange: DigestExchange {
        let moves: [String: (pulled: Int, pushed: Int)]
        let calls = Mutex<[(peer: String, pushing: Bool)]>([])
        let failuresLeft: Mutex<[String: Int]>

        init(moves: [String: (pulled: Int, pushed: Int)], failures: [String: Int] = [:]) {
            self.moves = moves
            failuresLeft = Mutex(failures)
        }

        func exchange(with peer: String, over client: RPCClient, timeout: Duration, pushing: Bool) async throws -> (pulled: Int, pushed: Int) {
            calls.withLock { $0.append((peer, pushing)) }
            let fail = failuresLeft.withLock { left -> Bool in
                guard let count = left[peer], count > 0 else { return false }
                left[peer] = count - 1
                return true
            }
            if fail { throw ConnectError(.unavailable, "\(peer) is down") }
            let moved = moves[peer] ?? (0, 0)
            return (moved.pulled, pushing ? moved.pushed : 0)
        }

        var peersCalled: [String] { calls.withLock { $0.map(\.peer) }.sorted() }
    }

    static func peers(_ ids: [String]) throws -> PeerTransports {
        let address = try SocketAddress(parsing: "127.0.0.1:9")
        return PeerTransports(clients: Dictionary(uniqueKeysWithValues: ids.map { ($0, RPCClient(transport: PooledSocketTransport(address: address))) }))
    }

    /// Every peer once per round; a failing peer costs only its own exchange; counts add up.
    @Test func eachRoundExchangesWithEveryPeer() async throws {
        let exchange = ScriptedExchange(moves: ["a": (2, 1), "b": (3, 0), "c": (5, 5)], failures: ["c": 1])
        let loop = AntiEntropy(exchange: exchange, peers: try Self.peers(["a", "b", "c"]))
        let first = await loop.runOnce(timeout: .seconds(1))
        #expect(first.pulled == 5 && first.pushed == 1)
        #expect(exchange.peersCalled == ["a", "b", "c"])
        let second = await loop.runOnce(timeout: .seconds(1), pushing: false)
        #expect(second.pulled == 10 && second.pushed == 0)
        #expect(loop.counts.pulled == 15 && loop.counts.pushed == 1)
        #expect(exchange.calls.withLock { $0.suffix(3).allSatisfy { !$0.pushing } })
    }

    /// A rebuild pulls (never pushes) until enough distinct peers answered, retrying the others.
    @Test func pullFromPeersRetriesUntilEnoughAnswered() async throws {
        let exchange = ScriptedExchange(moves: ["a": (1, 9), "b": (4, 9)], failures: ["a": 2, "b": 1])
        let loop = AntiEntropy(exchange: exchange, peers: try Self.peers(["a", "b"]))
        let result = await loop.pullFromPeers(required: 2, timeout: .seconds(1), retryEvery: .milliseconds(1))
        #expect(result?.peers == ["a", "b"])
        #expect(result?.pulled == 5)
        #expect(exchange.calls.withLock { $0.count } == 5)
        #expect(exchange.calls.withLock { $0.allSatisfy { !$0.pushing } })
        #expect(loop.counts.pulled == 5)
    }

    @Test func pullFromPeersStopsWhenCancelled() async throws {
        let exchange = ScriptedExchange(moves: [:], failures: ["a": .max])
        let loop = AntiEntropy(exchange: exchange, peers: try Self.peers(["a"]))
        let task = Task { await loop.pullFromPeers(required: 1, timeout: .seconds(1), retryEvery: .milliseconds(1)) }
        task.cancel()
        #expect(await task.value == nil)
    }
}
