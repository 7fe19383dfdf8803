import Cluster
import Foundation
import RPC
import Storage

/// `node serve`: wires the role's services, the built-ins and the HTTP server, then runs until a signal.
struct ServeCommand {
    let options: ServeOptions

    func run() async -> Int32 {
        if let loops = options.eventLoops { EventLoop.configure(count: loops) }
        let logger = Logger(level: options.logLevel, format: options.logFormat)
            .with("node", options.id).with("role", options.role.rawValue)
        let setup: NodeSetup
        do {
            setup = try NodeSetup.resolve(options, environment: ProcessInfo.processInfo.environment)
        } catch {
            Console.err("error: \(error.message)\n\(NodeMain.hint(for: "serve"))")
            return 64
        }
        var dataLock: DirectoryLock?
        if let dataDir = options.dataDir {
            do { dataLock = try DirectoryLock(directory: dataDir) } catch {
                logger.critical("cannot use the data directory", [("error", "\(error)")])
                return 73
            }
        }
        defer { dataLock?.release() }
        if !setup.membership.peers.isEmpty && setup.clusterToken == nil {
            logger.warning("no cluster token configured: peer services are open to anyone who can reach this node (set --cluster-token)")
        }

        let metrics = MetricsRegistry()
        metrics.setBuildInfo([("version", Usage.version), ("role", options.role.rawValue), ("node_id", options.id)])
        let peers = PeerTransports(membership: setup.membership, kind: options.peerTransport, clusterToken: setup.clusterToken,
                                   metrics: metrics, codec: options.peerCodec)
        let runtime: RoleRuntime
        do {
            runtime = try RoleRuntime.make(options, setup: setup, peers: peers, logger: logger)
        } catch {
            logger.critical("cannot start the \(options.role.rawValue) role", [("error", "\(error)")])
            return 74
        }
        defer { runtime.close() }
        let health = HealthService(role: options.role.rawValue, nodeId: options.id, version: Usage.version)
        for condition in runtime.healthConditions { health.addCondition(condition) }
        for (name, help, type, value) in runtime.gauges { metrics.addGauge(name, help: help, type: type, value) }
        for family in runtime.families { metrics.addFamilies(family) }
        let detector = FailureDetector(membership: setup.membership, peers: peers, interval: options.heartbeatInterval,
                                       timeout: options.failureTimeout, logger: logger)
        var router = RPCRouter()
        router.register(health)
        router.register(DiagnosticsService())
        router.register(ClusterService(membership: setup.membership) { peer in Task { await detector.heard(from: peer) } })
        for service in runtime.services { router.register(service) }
        ReflectionService.install(on: &router)
        let finalRouter = router
        let authenticator = TokenAuthenticator(peerServices: runtime.peerServices.union([NodeV1.Cluster.name]), clusterToken: setup.clusterToken,
                                               clientTokens: setup.clientTokens)
        let openAPI = OpenAPIDocument.generate(finalRouter, title: "node (\(options.role.rawValue))", version: Usage.version,
                                               security: { authenticator.requirement(for: $0) })
        var plainRoutes: [String: ConnectResponder.PlainHandler] = [
            "/metrics": { _ in
                HTTPResponse(status: .ok, headers: ["content-type": "text/plain; version=0.0.4"], body: Array(metrics.render().utf8))
            },
            "/openapi.json": { _ in
                HTTPResponse(status: .ok, headers: ["content-type": "application/json"], body: openAPI)
            },
        ]
        plainRoutes.merge(runtime.plainRoutes) { ours, _ in ours }
        let responder = ConnectResponder(
            router: finalRouter, metrics: metrics, logger: logger, maxBodyBytes: options.maxBodyBytes,
            plainRoutes: plainRoutes,
            admit: { method, headers in try authenticator.admit(method: method, headers: headers) })
        let configuration = HTTPServerConfiguration(
            address: options.listen,
            limits: .init(maxBodyBytes: options.maxBodyBytes),
            headerReadTimeout: options.headerTimeout,
            idleTimeout: options.idleTimeout,
            maxConnections: options.maxConnections,
            drainTimeout: options.drainTimeout)
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: configuration, responder: responder, metrics: metrics, logger: logger)
        } catch {
            logger.critical("cannot listen", [("address", "\(options.listen)"), ("error", "\(error)")])
            return 69
        }
        let signals = SignalWatcher()
        Console.out("listening on \(server.localAddress)")
        logger.info("listening", [("address", "\(server.localAddress)"), ("version", Usage.version),
                                  ("members", setup.membership.description)])
        let heartbeats = Task { if !setup.membership.peers.isEmpty { await detector.run() } }
        let loops = runtime.background.map { loop in Task { await loop() } }
        let watcher = Task {
            var count = 0
            for await signal in signals.signals {
                count += 1
                if count == 1 {
                    logger.notice("signal received, draining", [("signal", "\(signal)")])
                    health.markNotServing()
                    // A replicated-log leader hands over first, so the others need no election timeout.
                    await runtime.handOver()
                    server.beginGracefulShutdown()
                } else {
                    logger.warning("second signal, exiting now")
                    exit(130)
                }
            }
        }
        defer {
            watcher.cancel()
            heartbeats.cancel()
            for loop in loops { loop.cancel() }
        }
        do {
            try await server.run()
            return 0
        } catch {
            logger.critical("server failed", [("error", "\(error)")])
            return 70
        }
    }
}
