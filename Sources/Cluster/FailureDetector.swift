public import RPC

/// Sends heartbeats to every peer and tells subscribers when a peer is suspected or recovers.
///
/// The shell around `FailureDetectorCore`: every `interval` it sends `Cluster/Heartbeat` to each
/// peer (time-limited to the interval) and evaluates the core. Heartbeats received from peers
/// count as evidence too (`heard(from:)`).
public actor FailureDetector {
    public let interval: Duration
    let membership: ClusterMembership
    let peers: PeerTransports
    let logger: Logger
    private var core: FailureDetectorCore
    private var subscribers: [Int: AsyncStream<FailureDetectorCore.Change>.Continuation] = [:]
    private var nextSubscriber = 0

    public init(membership: ClusterMembership, peers: PeerTransports, interval: Duration = .milliseconds(500),
                timeout: Duration = .seconds(2), logger: Logger = .disabled) {
        self.membership = membership
        self.peers = peers
        self.interval = interval
        self.logger = logger
        core = FailureDetectorCore(peers: membership.peers.map(\.id), timeout: timeout, start: .now)
    }

    /// Status changes from now on.
    public func changes() -> AsyncStream<FailureDetectorCore.Change> {
        let (stream, continuation) = AsyncStream<FailureDetectorCore.Change>.makeStream()
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    public func status(of peer: String) -> FailureDetectorCore.Status? { core.statuses[peer] }
    public var alivePeers: Set<String> { core.alivePeers }

    /// Records that `peer` was heard from (an incoming heartbeat or any reply).
    public func heard(from peer: String) {
        if let change = core.heard(from: peer, at: .now) { publish(change) }
    }

    /// Heartbeats until the task is cancelled: one loop per peer (a silent peer cannot delay the
    /// others), each call allowed up to the failure timeout, and an evaluation every interval.
    public func run() async {
        let request = NodeV1.HeartbeatRequest(from: membership.selfID, members: membership.ids.sorted())
        let timeout = core.timeout
        await withTaskGroup(of: Void.self) { group in
            for (peer, client) in peers.clients {
                group.addTask { [interval, logger] in
                    while !Task.isCancelled {
                        let started = ContinuousClock.now
                        do {
                            _ = try await client.call(NodeV1.Cluster.heartbeat, request, options: CallOptions(timeout: timeout))
                            await self.heard(from: peer)
                        } catch let error as ConnectError {
                            if [ConnectCode.failedPrecondition, .permissionDenied, .unauthenticated].contains(error.code) {
                                logger.error("peer refused our heartbeat", [("peer", peer), ("error", "\(error)")])
                            }
                        } catch {}
                        let elapsed = ContinuousClock.now - started
                        if elapsed < interval { try? await Task.sleep(for: interval - elapsed) }
                    }
                }
            }
            group.addTask { [interval] in
                while !Task.isCancelled {
                    await self.evaluate()
                    try? await Task.sleep(for: interval)
                }
            }
        }
    }

    private func evaluate() {
        for change in core.evaluate(now: .now) { publish(change) }
    }

    private func publish(_ change: FailureDetectorCore.Change) {
        logger.log(change.status == .suspected ? .warning : .notice, "peer \(change.status.rawValue)", [("peer", change.peer)])
        for subscriber in subscribers.values { subscriber.yield(change) }
    }
}
