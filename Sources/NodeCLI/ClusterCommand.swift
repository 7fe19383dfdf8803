import Foundation
import RPC

/// `node cluster`: N `node serve` children on loopback wired as peers; stops all when one exits or on a signal.
struct ClusterCommand {
    let options: ClusterOptions

    /// Picked ports can be taken by another process before a replica binds one (the replica then
    /// exits with 69): start again on fresh ports, this many times.
    static let portAttempts = 3

    func run() async -> Int32 {
        let dataRoot = options.dataDir ?? NSTemporaryDirectory() + "node-cluster-\(ProcessInfo.processInfo.processIdentifier)"
        let ids = (1...options.replicas).map { "n\($0)" }
        let signals = SignalWatcher()
        var attempt = 1
        var started: (ports: [Int], children: [Process], exits: AsyncStream<(String, Int32)>)
        while true {
            let ports: [Int]
            if let base = options.basePort {
                ports = (0..<options.replicas).map { base + $0 }
            } else {
                do { ports = try FreePorts.pick(options.replicas, host: options.host) } catch {
                    Console.err("error: cannot find free ports: \(error)")
                    return 69
                }
            }
            let (exits, exitSink) = AsyncStream<(String, Int32)>.makeStream()
            let children: [Process]
            do { children = try launch(ids: ids, ports: ports, dataRoot: dataRoot, exitSink: exitSink) } catch {
                Console.err("error: \(error)")
                return 71
            }
            started = (ports, children, exits)
            // With picked ports, make sure each replica is the one answering on its port.
            guard options.basePort == nil, attempt < Self.portAttempts else { break }
            if await ClusterStartup.replicasAnswer(ids: ids, host: options.host, ports: ports, children: children) { break }
            Console.err("a replica could not take its port; starting again on other ports")
            stop(children)
            attempt += 1
        }
        let (ports, children, exits) = started
        Console.out("cluster of \(options.replicas) \(options.role.rawValue) replicas (data in \(dataRoot)):")
        for ((id, port), child) in zip(zip(ids, ports), children) {
            Console.out("  \(id)  \(options.host):\(port)  pid \(child.processIdentifier)")
        }
        switch options.role {
        case .bulletin:
            Console.out("open http://\(options.host):\(ports[0])/ in a browser, or try: node call \(options.host):\(ports[0]) bulletin.v1.Bulletin/List    (Ctrl-C stops the cluster)")
        case .register:
            Console.out("try: node call \(options.host):\(ports[0]) register.v1.Register/Write '{\"key\":\"x\",\"value\":\"1\"}'    (Ctrl-C stops the cluster)")
        case .consensus:
            Console.out("try: node call \(options.host):\(ports[0]) node.v1.Health/Check    (Ctrl-C stops the cluster)")
        }

        let outcome = await withTaskGroup(of: Int32.self) { group -> Int32 in
            group.addTask {
                for await (id, status) in exits {
                    Console.err("replica \(id) exited with status \(status); stopping the cluster")
                    return status == 0 ? 1 : status
                }
                return 1
            }
            group.addTask {
                for await _ in signals.signals { return 0 }
                return 0
            }
            let first = await group.next() ?? 1
            group.cancelAll()
            return first
        }
        stop(children)
        return outcome
    }

    /// Starts one `node serve` per id; each one's exit is reported to `exitSink`.
    private func launch(ids: [String], ports: [Int], dataRoot: String,
                        exitSink: AsyncStream<(String, Int32)>.Continuation) throws -> [Process] {
        let peers = zip(ids, ports).map { "\($0)=\(options.host):\($1)" }.joined(separator: ",")
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        // Replicas sharing this machine share its cores: one loop each unless told otherwise.
        let loops = options.serveArguments.contains("--event-loops") ? [] :
            ["--event-loops", "\(EventLoop.share(among: options.replicas))"]
        var children: [Process] = []
        for (id, port) in zip(ids, ports) {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["serve", "--role", options.role.rawValue, "--id", id,
                                 "--listen", "\(options.host):\(port)", "--peers", peers,
                                 "--data-dir", "\(dataRoot)/\(id)"] + loops + options.serveArguments
            process.terminationHandler = { exitSink.yield((id, $0.terminationStatus)) }
            do {
                try process.run()
            } catch {
                stop(children)
                throw ClusterLaunchError(message: "cannot start \(id): \(error)")
            }
            children.append(process)
        }
        return children
    }

    private func stop(_ children: [Process]) {
        for child in children where child.isRunning { child.terminate() }
        let deadline = Date().addingTimeInterval(20)
        for child in children {
            while child.isRunning && Date() < deadline { usleep(20_000) }
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
        }
    }
}

struct ClusterLaunchError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
