import Replication
import Cluster
import Foundation
import RegisterCore
import RPC
import Storage
import TestSupport
@testable import RegisterService

/// N register replicas on an in-memory network, each with a real write-ahead log in a temporary
/// directory, which the nemesis can crash (dropping the node and its in-flight work) and restart
/// (recovering from the log). Crashed and partitioned peers fail at once here, so the default
/// peer timeout only bounds a peer slowed by a busy machine: generous (10 s; 2 s failed first
/// writes while the suite's process tests kept both cores busy), tests of silence set their own.
actor SimulatedRegisterCluster {
    let network: InMemoryNetwork
    let ids: [String]
    let members: [ClusterMembership.Member]
    let directory: String
    let oneRoundWrites: Bool
    let peerTimeout: Duration
    private var logs: [String: WriteAheadLog] = [:]
    private(set) var replicas: [String: ReplicaState] = [:]
    private(set) var coordinators: [String: RegisterCoordinator] = [:]
    nonisolated var nodeIDs: [String] { ids }

    init(replicas count: Int, seed: UInt64, oneRoundWrites: Bool = true, peerTimeout: Duration = .seconds(10)) async throws {
        self.oneRoundWrites = oneRoundWrites
        self.peerTimeout = peerTimeout
        network = InMemoryNetwork(seed: seed)
        ids = (1...count).map { "n\($0)" }
        members = try ids.enumerated().map { ClusterMembership.Member(id: $1, address: try SocketAddress(parsing: "127.0.0.1:\(9000 + $0)")) }
        directory = ScratchDirectory.path("register-sim")
        for id in ids { try start(id) }
    }

    func start(_ id: String) throws {
        let (log, recovery) = try WriteAheadLog.open(directory: "\(directory)/\(id)", options: .init(fsync: .never))
        let replica = try ReplicaState(log: log, recovery: recovery)
        let membership = try ClusterMembership(members: members, selfID: id)
        let peers = PeerTransports(network: network, membership: membership, clusterToken: "t")
        let coordinator = RegisterCoordinator(membership: membership, replica: replica, peers: peers,
                                              peerTimeout: peerTimeout, oneRoundWrites: oneRoundWrites)
        var router = RPCRouter()
        router.register(RegisterService(coordinator: coordinator))
        router.register(ReplicaService(replica: replica))
        let auth = TokenAuthenticator(peerServices: [RegisterV1.Replica.name], clusterToken: "t")
        network.attach(id, responder: ConnectResponder(router: router, metrics: MetricsRegistry(),
                                                       admit: { try auth.admit(method: $0, headers: $1) }))
        logs[id] = log
        replicas[id] = replica
        coordinators[id] = coordinator
    }

    func crash(_ id: String) {
        network.crash(id)
        logs[id]?.close()
        logs[id] = nil
        replicas[id] = nil
    }

    /// Stops `id`'s log but leaves the node serving: nothing it stores from now on becomes
    /// durable, as in a process about to die.
    func stopLog(_ id: String) {
        logs[id]?.close()
    }

    func restart(_ id: String) throws {
        guard logs[id] == nil else { return }
        try start(id)
    }

    func restartAll() throws {
        for id in ids { try restart(id) }
    }

    /// Anti-entropy from every node, as the periodic loop would do; returns each node's counts.
    @discardableResult
    func converge() async -> [String: AntiEntropy<RegisterDigestExchange>.Counts] {
        var counts: [String: AntiEntropy<RegisterDigestExchange>.Counts] = [:]
        for id in ids {
            guard let replica = replicas[id], let membership = try? ClusterMembership(members: members, selfID: id) else { continue }
            let antiEntropy = AntiEntropy<RegisterDigestExchange>(replica: replica, peers: PeerTransports(network: network, membership: membership, clusterToken: "t"))
            await antiEntropy.runOnce(timeout: .seconds(30))
            counts[id] = antiEntropy.counts
        }
        return counts
    }

    nonisolated func client(_ name: String, to node: String) -> RPCClient {
        RPCClient(transport: network.transport(from: name, to: node))
    }

    func shutdown() {
        for log in logs.values { log.close() }
        logs = [:]
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Records client operations with times from one clock.
actor HistoryRecorder {
    let start = ContinuousClock.now
    private(set) var operations: [RegisterOperation] = []

    nonisolated func now() -> UInt64 {
        let elapsed = ContinuousClock.now - start
        return UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
    }

    func record(_ operation: RegisterOperation) { operations.append(operation) }

    /// Runs one write or read through `client` and records it.
    func perform(process: Int, key: String, write value: String?, client: RPCClient, timeout: Duration) async {
        let invoke = now()
        do {
            if let value {
                // Every write carries a request id, as RegisterClient's retried writes do: the network
                // also duplicates client requests, and without one a duplicate would apply twice.
                _ = try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: key, value: value, requestId: "req-\(value)"),
                                          options: CallOptions(timeout: timeout))
                record(RegisterOperation(process: process, key: key, kind: .write(value), invoke: invoke, complete: now(), outcome: .ok))
            } else {
                let response = try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: key), options: CallOptions(timeout: timeout))
                record(RegisterOperation(process: process, key: key, kind: .read(response.found ? response.value : nil),
                                         invoke: invoke, complete: now(), outcome: .ok))
            }
        } catch {
            let definite = [ConnectCode.invalidArgument, .notFound, .permissionDenied, .unauthenticated].contains(error.code)
            record(RegisterOperation(process: process, key: key, kind: value.map { .write($0) } ?? .read(nil), invoke: invoke,
                                     complete: now(), outcome: definite ? .fail : .unknown))
        }
    }
}
