import Replication
import BulletinService
import Cluster
import LogReplica
import RPC
import Storage

extension RoleRuntime {
    static func bulletin(_ options: ServeOptions, setup: NodeSetup, peers: PeerTransports, logger: Logger) throws -> RoleRuntime {
        let (log, recovery) = try openLog(options, name: "bulletin-\(options.mode.rawValue)", logger: logger)
        let membership = setup.membership
        if options.mode != .sequential {
            // Rebuilding a damaged quorum or read-your-writes replica from its peers is not built yet.
            try refuseDamage(recovery, because: "the bulletin's \(options.mode.rawValue) mode cannot yet rebuild a damaged replica from its peers")
        } else if membership.peers.isEmpty {
            try refuseDamage(recovery, because: "this replica has no peers to rebuild from")
        }
        let nodeIndex = membership.ids.sorted().firstIndex(of: membership.selfID) ?? 0
        let mode: any ConsistencyMode
        var sequential: SequentialBulletin?
        var rebuild = StorageRebuild.none
        var repairs: AntiEntropy<BulletinDigestExchange>.Counts?
        switch options.mode {
        case .sequential:
            let replica = try BulletinReplica(origin: "log", nodeIndex: nodeIndex, log: nil)
            let logOptions = LogReplica<BulletinReplica>.Options(peerTimeout: options.peerTimeout, snapshotEvery: options.snapshotEvery)
            let board = try SequentialBulletin(membership: membership, replica: replica, log: log, recovery: recovery, peers: peers,
                                            options: logOptions, seed: UInt64.random(in: 1...UInt64.max), logger: logger)
            sequential = board
            rebuild = board.log.rebuild
            mode = board
        case .quorum:
            let replica = try BulletinReplica(origin: Self.origin(membership.selfID), nodeIndex: nodeIndex, log: log, recovery: recovery,
                                           snapshotEvery: Int(options.snapshotEvery))
            let board = QuorumBulletin(replica: replica, peers: peers, readQuorum: options.readQuorum ?? membership.quorum,
                                    writeQuorum: options.writeQuorum ?? membership.quorum, peerTimeout: options.peerTimeout,
                                    antiEntropyInterval: options.antiEntropyInterval, logger: logger)
            repairs = board.antiEntropy.counts
            mode = board
        case .readYourWrites:
            let replica = try BulletinReplica(origin: Self.origin(membership.selfID), nodeIndex: nodeIndex, log: log, recovery: recovery,
                                           snapshotEvery: Int(options.snapshotEvery))
            let board = LocalFirstBulletin(replica: replica, peers: peers, peerTimeout: options.peerTimeout,
                                        antiEntropyInterval: options.antiEntropyInterval, logger: logger)
            repairs = board.antiEntropy.counts
            mode = board
        }
        var runtime = RoleRuntime()
        let limits = BulletinService.Limits(author: 256, title: options.maxTitleBytes, body: options.maxPostBytes)
        runtime.services = [BulletinService(mode: mode, limits: limits), BulletinReplicaService(replica: mode.replica, sequential: sequential != nil)]
        runtime.peerServices = [BulletinV1.Replica.name]
        if let sequential {
            runtime.services.append(LogPeerService(replica: sequential.log))
            runtime.peerServices.insert(LogV1.Replica.name)
            runtime.handOver = { _ = await sequential.log.handOver() }
            runtime.gauges += sequential.log.figures.gauges()
        }
        if let repairs {
            runtime.gauges.append(("replnode_anti_entropy_pulled_total", "Items anti-entropy brought here from peers that had them.", "counter",
                                   { Double(repairs.pulled) }))
        }
        runtime.background = [{ await mode.run() }]
        runtime.close = { log?.close() }
        runtime.watchStorage(log, rebuild: rebuild)
        let page = BulletinPage.html(nodeID: membership.selfID, mode: options.mode.rawValue, members: membership.members.map { ($0.id, "\($0.address)") })
        runtime.plainRoutes["/"] = { _ in
            HTTPResponse(status: .ok, headers: ["content-type": "text/html; charset=utf-8", "cache-control": "no-store"], body: page)
        }
        runtime.plainRoutes["/favicon.ico"] = { _ in
            HTTPResponse(status: .ok, headers: ["content-type": "image/svg+xml", "cache-control": "max-age=86400"], body: BulletinPage.favicon)
        }
        return runtime
    }

    /// The name a quorum or read-your-writes replica gives the items it writes: its id and a
    /// token new at every start. A coordinator sends a post to its peers while its own copy
    /// reaches the disk; after a crash that lost that copy, the same name would number its next
    /// post as the lost one (which a peer may hold), and the replicas would never agree again
    /// (found by `BulletinSimulationTests`).
    static func origin(_ id: String) -> String {
        id + "." + String(UInt64.random(in: 1..<(1 << 40)), radix: 36)
    }
}
