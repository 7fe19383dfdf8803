import BulletinService
import Cluster
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

    static func make(_ options: ServeOptions, setup: NodeSetup, peers: PeerTransports, logger: Logger) throws -> RoleRuntime {
        switch options.role {
        case .consensus: return try consensus(options, logger: logger)
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
            logger.warning("dropped a torn or corrupt log tail", [("bytes", "\(recovery.droppedBytes)")])
        }
        return (log, recovery)
    }

    static func register(_ options: ServeOptions, setup: NodeSetup, peers: PeerTransports, logger: Logger) throws -> RoleRuntime {
        let (log, recovery) = try openLog(options, name: "register", logger: logger)
        let replica = try ReplicaState(log: log, recovery: recovery)
        let coordinator = RegisterCoordinator(membership: setup.membership, replica: replica, peers: peers, peerTimeout: options.peerTimeout,
                                              oneRoundWrites: options.oneRoundWrites)
        let antiEntropy = AntiEntropy(replica: replica, peers: peers, logger: logger)
        var runtime = RoleRuntime()
        runtime.services = [RegisterService(coordinator: coordinator, maxValueBytes: options.maxValueBytes), ReplicaService(replica: replica)]
        runtime.peerServices = [ReplicaService.name]
        let interval = options.antiEntropyInterval
        runtime.background = [{ await antiEntropy.run(every: interval) }]
        runtime.close = { log?.close() }
        return runtime
    }

    static func consensus(_ options: ServeOptions, logger: Logger) throws -> RoleRuntime {
        var limits = PoolBook.Limits()
        limits.maxPools = options.maxPools
        let (log, recovery) = try openLog(options, name: "consensus", logger: logger)
        let node = try ConsensusNode(log: log, recovery: recovery, limits: limits, logger: logger)
        var runtime = RoleRuntime()
        runtime.services = [ConsensusService(node: node)]
        runtime.background = [{
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await node.tick()
            }
        }]
        runtime.close = { log?.close() }
        return runtime
    }
}
