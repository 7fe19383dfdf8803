import Cluster
import LogReplica
import Foundation
import RPC
import Storage
@testable import BulletinService
import TestSupport

/// Three sequential-mode replicas (the replicated-log shell, `SequentialBulletin`) on an in-memory
/// network with seeded loss, duplication and delay, each with a real write-ahead log; the
/// nemesis crashes a replica (dropping it from the network, stopping its loop, closing its log)
/// and restarts it from its log.
actor SimulatedBulletinCluster {
    let network: InMemoryNetwork
    let ids = ["n1", "n2", "n3"]
    let members: [ClusterMembership.Member]
    let directory = ScratchDirectory.path("board-sim")
    let seed: UInt64
    private(set) var boards: [String: SequentialBulletin] = [:]
    private var loops: [String: Task<Void, Never>] = [:]
    private var logs: [String: WriteAheadLog] = [:]
    private var restarts: UInt64 = 0

    init(seed: UInt64, faults: FaultModel) async throws {
        self.seed = seed
        network = InMemoryNetwork(seed: seed)
        network.faults = faults
        members = try ["n1", "n2", "n3"].enumerated().map {
            ClusterMembership.Member(id: $1, address: try SocketAddress(parsing: "127.0.0.1:\(9100 + $0)"))
        }
        for id in ids { try start(id) }
    }

    func start(_ id: String) throws {
        let (log, recovery) = try WriteAheadLog.open(directory: "\(directory)/\(id)", options: .init(fsync: .never))
        let membership = try ClusterMembership(members: members, selfID: id)
        let peers = PeerTransports(network: network, membership: membership, clusterToken: nil)
        restarts += 1
        let board = try SequentialBulletin(membership: membership, replica: try BulletinReplica(origin: "log", nodeIndex: 0, log: nil),
                                        log: log, recovery: recovery, peers: peers,
                                        options: .init(tickInterval: .milliseconds(10), peerTimeout: .milliseconds(100)),
                                        seed: seed &* 31 &+ restarts)
        var router = RPCRouter()
        router.register(BulletinService(mode: board))
        router.register(BulletinReplicaService(replica: board.replica, sequential: true))
        router.register(LogPeerService(replica: board.log))
        network.attach(id, responder: ConnectResponder(router: router, metrics: MetricsRegistry(), logger: .disabled))
        boards[id] = board
        logs[id] = log
        loops[id] = Task { await board.run() }
    }

    func crash(_ id: String) {
        network.crash(id)
        loops[id]?.cancel()
        logs[id]?.close()
        boards[id] = nil
    }

    func restart(_ id: String) throws { try start(id) }

    /// The replica that currently leads, if any.
    func leader() async -> String? {
        for (id, board) in boards where await board.log.status().role == "leader" { return id }
        return nil
    }

    nonisolated func client(to node: String) -> RPCClient {
        RPCClient(transport: network.transport(from: "client", to: node))
    }

    func shutdown() {
        for id in ids { crash(id) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
