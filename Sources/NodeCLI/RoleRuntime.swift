import Cluster
import ConsensusCore
import ConsensusService
import RPC
import Storage

/// What a role adds to a node: its services, which of them are peer-only, background loops, and
/// how to close its storage.
struct RoleRuntime {
    var services: [any RPCService] = []
    var peerServices: Set<String> = []
    var background: [@Sendable () async -> Void] = []
    var close: @Sendable () -> Void = {}

    static func make(_ options: ServeOptions, setup: NodeSetup, logger: Logger) throws -> RoleRuntime {
        switch options.role {
        case .consensus: return try consensus(options, logger: logger)
        case .register, .bulletin:
            logger.warning("the \(options.role.rawValue) role is not implemented yet; serving the built-in services only")
            return RoleRuntime()
        }
    }

    static func consensus(_ options: ServeOptions, logger: Logger) throws -> RoleRuntime {
        var limits = PoolBook.Limits()
        limits.maxPools = options.maxPools
        var log: WriteAheadLog?
        var recovery: WriteAheadLog.Recovery?
        if let dataDir = options.dataDir {
            let opened = try WriteAheadLog.open(directory: dataDir + "/consensus", options: .init(fsync: options.fsync))
            log = opened.0
            recovery = opened.1
            logger.info("recovered consensus state", [("recovery", opened.1.description)])
            if opened.1.droppedBytes > 0 {
                logger.warning("dropped a torn or corrupt log tail", [("bytes", "\(opened.1.droppedBytes)")])
            }
        } else {
            logger.warning("no --data-dir: pools live in memory only and are lost when the node stops")
        }
        let node = try ConsensusNode(log: log, recovery: recovery, limits: limits, logger: logger)
        var runtime = RoleRuntime()
        runtime.services = [ConsensusService(node: node)]
        runtime.background = [{
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await node.tick()
            }
        }]
        let openedLog = log
        runtime.close = { openedLog?.close() }
        return runtime
    }
}
