import Replication
import BulletinService
import Cluster
import LogReplica
import ConsensusCore
import ConsensusService
import RegisterService
import RPC
import Storage

/// What a role adds to a node: its services, which of them are peer-only, background loops, and
/// how to close its storage.
struct RoleRuntime {
    var services: [any RPCService] = []
    var peerServices: Set<String> = []
    var background: [@Sendable () async -> Void] = []
    var close: @Sendable () -> Void = {}
    var plainRoutes: [String: ConnectResponder.PlainHandler] = [:]
    /// Reasons the node cannot serve now (nil: fine), for `node.v1.Health`.
    var healthConditions: [@Sendable () -> String?] = []
    /// Run when a shutdown signal arrives, before draining (a log leader hands leadership over).
    var handOver: @Sendable () async -> Void = {}
    /// Extra `/metrics` values: name, help, type, value.
    var gauges: [(String, String, String, @Sendable () -> Double)] = []
    /// Extra `/metrics` families rendered whole (histograms).
    var families: [@Sendable () -> String] = []

    /// Health and metrics for the role's storage: NOT_SERVING with the reason while the log
    /// cannot write or the replica rebuilds damaged state.
    mutating func watchStorage(_ log: WriteAheadLog?, rebuild: StorageRebuild) {
        if let log {
            healthConditions.append { log.problem.map { "storage cannot write (retrying): \($0)" } }
            families.append { log.figures.render(prefix: "replnode_") }
            gauges.append(("replnode_storage_writable", "1 while the write-ahead log can write, 0 while a failed write is retried.", "gauge",
                           { log.problem == nil ? 1 : 0 }))
            gauges.append(("replnode_storage_write_errors_total", "Writes or fsyncs of the write-ahead log that failed.", "counter",
                           { Double(log.writeErrorCount) }))
        }
        healthConditions.append { rebuild.healthProblem }
        gauges.append(("replnode_storage_rebuilding", "1 while the replica rebuilds damaged storage from its peers.", "gauge",
                       { rebuild.isRebuilding ? 1 : 0 }))
    }

    static func make(_ options: ServeOptions, setup: NodeSetup, peers: PeerTransports, logger: Logger) throws -> RoleRuntime {
        switch options.role {
        case .consensus: return try consensus(options, setup: setup, peers: peers, logger: logger)
        case .register: return try register(options, setup: setup, peers: peers, logger: logger)
        case .bulletin: return try bulletin(options, setup: setup, peers: peers, logger: logger)
        }
    }

    static func openLog(_ options: ServeOptions, name: String, logger: Logger) throws -> (WriteAheadLog?, WriteAheadLog.Recovery?) {
        guard let dataDir = options.dataDir else {
            logger.warning("no --data-dir: state lives in memory only and is lost when the node stops")
            return (nil, nil)
        }
        // Appends made on an event loop are written and fsynced by that loop before it sleeps
        // (group commit per iteration, no thread hop); a busy loop hands them to the flusher thread.
        let walOptions = WriteAheadLog.Options(fsync: options.fsync, callerFlushes: { EventLoop.current != nil })
        let (log, recovery) = try WriteAheadLog.open(directory: dataDir + "/" + name, options: walOptions)
        EventLoop.whenIdle { busy in log.flushPending(mayBlock: !busy) }
        logger.info("recovered \(name) state", [("recovery", recovery.description)])
        if recovery.droppedBytes > 0 {
            logger.warning("cut off a torn last write (never acknowledged)", [("bytes", "\(recovery.droppedBytes)")])
        }
        if let damage = recovery.damage {
            logger.critical("the write-ahead log is damaged: acknowledged data may be missing", [("damage", "\(damage)"),
                            ("set_aside", recovery.removedSegments.joined(separator: ","))])
        }
        return (log, recovery)
    }

    /// A replica that cannot rebuild damaged state (no peers, or a role that cannot yet) must
    /// not start with it.
    static func refuseDamage(_ recovery: WriteAheadLog.Recovery?, because why: String) throws {
        if let damage = recovery?.damage { throw DamagedStorage(damage: damage, why: why) }
    }

    struct DamagedStorage: Error, CustomStringConvertible {
        let damage: StorageDamage
        let why: String
        var description: String {
            "the write-ahead log is damaged (\(damage)) and \(why); refusing to serve state that may lack acknowledged data. "
                + "Restore the data directory from a backup, or move it away to start this replica empty"
        }
    }

    static func register(_ options: ServeOptions, setup: NodeSetup, peers: PeerTransports, logger: Logger) throws -> RoleRuntime {
        let (log, recovery) = try openLog(options, name: "register", logger: logger)
        if setup.membership.peers.isEmpty { try refuseDamage(recovery, because: "this replica has no peers to rebuild from") }
        let replica = try ReplicaState(log: log, recovery: recovery)
        let coordinator = RegisterCoordinator(membership: setup.membership, replica: replica, peers: peers, peerTimeout: options.peerTimeout,
                                              oneRoundWrites: options.oneRoundWrites)
        let antiEntropy = AntiEntropy(replica: replica, peers: peers, logger: logger)
        var runtime = RoleRuntime()
        runtime.services = [RegisterService(coordinator: coordinator, maxValueBytes: options.maxValueBytes), ReplicaService(replica: replica)]
        runtime.peerServices = [RegisterV1.Replica.name]
        let interval = options.antiEntropyInterval
        let required = setup.membership.quorum
        runtime.background = [{
            // A damaged replica first rebuilds from a majority of its peers (it answers nothing meanwhile).
            guard await antiEntropy.rebuild(required: required) else { return }
            await antiEntropy.run(every: interval)
        }]
        runtime.close = { log?.close() }
        runtime.watchStorage(log, rebuild: replica.rebuild)
        let counts = antiEntropy.counts
        runtime.gauges.append(("replnode_anti_entropy_pulled_total", "Entries anti-entropy stored here because a peer had them newer.", "counter",
                               { Double(counts.pulled) }))
        runtime.gauges.append(("replnode_anti_entropy_pushed_total", "Entries anti-entropy sent to peers that had them older.", "counter",
                               { Double(counts.pushed) }))
        return runtime
    }

    static func consensus(_ options: ServeOptions, setup: NodeSetup, peers: PeerTransports, logger: Logger) throws -> RoleRuntime {
        var limits = PoolBook.Limits()
        limits.maxPools = options.maxPools
        let (log, recovery) = try openLog(options, name: "consensus", logger: logger)
        if setup.membership.peers.isEmpty { try refuseDamage(recovery, because: "this replica has no peers to rebuild from") }
        let logOptions = LogReplica<PoolMachine>.Options(peerTimeout: options.peerTimeout, snapshotEvery: options.snapshotEvery)
        let node = try ConsensusNode(membership: setup.membership, log: log, recovery: recovery, peers: peers, limits: limits,
                                     options: logOptions, logger: logger)
        var runtime = RoleRuntime()
        runtime.services = [ConsensusService(node: node), LogPeerService(replica: node.log)]
        runtime.peerServices = [LogV1.Replica.name]
        runtime.background = [{ await node.run() }]
        runtime.handOver = { _ = await node.log.handOver() }
        runtime.close = { log?.close() }
        runtime.watchStorage(log, rebuild: node.log.rebuild)
        runtime.gauges += node.log.figures.gauges()
        return runtime
    }
}
