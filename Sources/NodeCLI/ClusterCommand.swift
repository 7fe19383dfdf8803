import Foundation
import RPC

/// `node cluster`: N `node serve` children on loopback wired as peers.
///
/// Guarantees: every replica exit is reported with how many still run and whether a majority
/// holds; an exited replica is restarted with the same id, port and data dir (unless
/// `--no-restart`, or it keeps exiting: see `ClusterSupervisor`); the cluster stops — every child
/// ended — on Ctrl-C or when a majority is down for good; a temporary data dir is removed.
struct ClusterCommand {
    let options: ClusterOptions

    /// Picked ports can be taken by another process before a replica binds one (the replica then
    /// exits with 69): start again on fresh ports, this many times.
    static let portAttempts = 3

    func run() async -> Int32 {
        let temporary = options.dataDir == nil
        let dataRoot = options.dataDir ?? NSTemporaryDirectory() + "node-cluster-\(ProcessInfo.processInfo.processIdentifier)"
        defer { if temporary { try? FileManager.default.removeItem(atPath: dataRoot) } }
        let ids = (1...options.replicas).map { "n\($0)" }
        let signals = SignalWatcher()
        let (events, eventSink) = AsyncStream<Event>.makeStream()
        let forwarding = Task { for await _ in signals.signals { eventSink.yield(.interrupted) } }
        defer { forwarding.cancel() }
        var attempt = 1
        var started: (ports: [Int], children: [Process])
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
            let generation = attempt
            var children: [Process] = []
            do {
                for (id, port) in zip(ids, ports) {
                    children.append(try launch(id: id, port: port, peers: Self.peers(ids, ports, host: options.host),
                                               dataRoot: dataRoot, generation: generation, sink: eventSink))
                }
            } catch {
                stop(children)
                Console.err("error: \(error)")
                return 71
            }
            started = (ports, children)
            // With picked ports, make sure each replica is the one answering on its port.
            guard options.basePort == nil, attempt < Self.portAttempts else { break }
            if await ClusterStartup.replicasAnswer(ids: ids, host: options.host, ports: ports, children: children) { break }
            Console.err("a replica could not take its port; starting again on other ports")
            stop(children)
            attempt += 1
        }
        let ports = started.ports
        let binary = Self.binaryPath
        Console.out("cluster of \(options.replicas) \(options.role.rawValue) replicas (data in \(dataRoot)\(temporary ? ", removed on exit" : "")):")
        for ((id, port), child) in zip(zip(ids, ports), started.children) {
            Console.out("  \(id)  \(options.host):\(port)  pid \(child.processIdentifier)")
        }
        let address = "\(options.host):\(ports[0])"
        switch options.role {
        case .bulletin:
            Console.out("open http://\(address)/ in a browser, or try: \(binary) call \(address) bulletin.v1.Bulletin/List    (Ctrl-C stops the cluster)")
        case .register:
            Console.out("try: \(binary) call \(address) register.v1.Register/Write '{\"key\":\"x\",\"value\":\"1\"}'    (Ctrl-C stops the cluster)")
        case .consensus:
            Console.out("try: \(binary) agent \(ids.indices.map { "\(options.host):\(ports[$0])" }.joined(separator: " ")) --pool demo    (Ctrl-C stops the cluster)")
        }
        var supervisor = ClusterSupervisor(ids: ids, children: started.children, restart: options.restart, generation: attempt)
        let outcome = await supervise(&supervisor, events: events, sink: eventSink, ports: ports, dataRoot: dataRoot)
        stop(supervisor.runningChildren)
        return outcome
    }

    /// Reports exits and restarts replicas until Ctrl-C (0) or a majority is down for good (1).
    private func supervise(_ supervisor: inout ClusterSupervisor, events: AsyncStream<Event>, sink: AsyncStream<Event>.Continuation,
                           ports: [Int], dataRoot: String) async -> Int32 {
        let peers = Self.peers(supervisor.ids, ports, host: options.host)
        for await event in events {
            switch event {
            case .interrupted:
                return 0
            case .exited(let id, let generation, let status, let signaled):
                guard let decision = supervisor.exited(id, generation: generation, now: .now) else { continue }
                let how = signaled ? "signal \(status)" : "status \(status)"
                let majority = supervisor.running >= supervisor.majority ? "majority holds" : "majority lost"
                Console.err("replica \(id) exited (\(how)); \(supervisor.running) of \(supervisor.ids.count) running, \(majority)")
                switch decision {
                case .restart(let delay):
                    Console.err("restarting \(id) in \(delay.components.seconds) s (same id, port and data dir)")
                    Task {
                        try? await Task.sleep(for: delay)
                        sink.yield(.restartDue(id))
                    }
                case .giveUp(let reason):
                    Console.err("not restarting \(id): \(reason)")
                    if supervisor.running < supervisor.majority && !supervisor.restartPending {
                        Console.err("a majority is down and will not come back; stopping the cluster")
                        return 1
                    }
                }
            case .restartDue(let id):
                guard let index = supervisor.ids.firstIndex(of: id) else { continue }
                let generation = supervisor.nextGeneration()
                do {
                    let child = try launch(id: id, port: ports[index], peers: peers, dataRoot: dataRoot, generation: generation, sink: sink)
                    supervisor.restarted(id, child: child, generation: generation, now: .now)
                    Console.err("replica \(id) restarted, pid \(child.processIdentifier)")
                } catch {
                    Console.err("cannot restart \(id): \(error)")
                    supervisor.restartFailed(id)
                    if supervisor.running < supervisor.majority && !supervisor.restartPending { return 1 }
                }
            }
        }
        return 1
    }

    /// What the supervisor reacts to.
    enum Event: Sendable {
        case interrupted
        /// A child of launch `generation` exited (older generations' exits are ignored).
        case exited(id: String, generation: Int, status: Int32, signaled: Bool)
        case restartDue(String)
    }

    static func peers(_ ids: [String], _ ports: [Int], host: String) -> String {
        zip(ids, ports).map { "\($0)=\(host):\($1)" }.joined(separator: ",")
    }

    /// The path that runs this binary again (a bare `node` on PATH is often Node.js).
    static var binaryPath: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }

    /// Starts one `node serve`; its exit is reported to `sink`.
    private func launch(id: String, port: Int, peers: String, dataRoot: String, generation: Int,
                        sink: AsyncStream<Event>.Continuation) throws -> Process {
        // Replicas sharing this machine share its cores: one loop each unless told otherwise.
        let loops = options.serveArguments.contains("--event-loops") ? [] :
            ["--event-loops", "\(EventLoop.share(among: options.replicas))"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = ["serve", "--role", options.role.rawValue, "--id", id,
                             "--listen", "\(options.host):\(port)", "--peers", peers,
                             "--data-dir", "\(dataRoot)/\(id)"] + loops + options.serveArguments
        process.terminationHandler = {
            sink.yield(.exited(id: id, generation: generation, status: $0.terminationStatus,
                               signaled: $0.terminationReason == .uncaughtSignal))
        }
        do {
            try process.run()
        } catch {
            throw ClusterLaunchError(message: "cannot start \(id): \(error)")
        }
        return process
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
