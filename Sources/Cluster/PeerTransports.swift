public import RPC

/// How a node reaches its peers.
public enum PeerTransportKind: String, Sendable, CaseIterable {
    /// Pooled keep-alive sockets (the default).
    case pooled
    /// FoundationNetworking's URLSession (slower; for comparison).
    case urlsession
}

/// One client per peer, carrying the cluster token when there is one.
public struct PeerTransports: Sendable {
    public let clients: [String: RPCClient]

    public init(clients: [String: RPCClient]) {
        self.clients = clients
    }

    /// Real network transports to every peer of `membership`; with `metrics`, every call is
    /// recorded per peer.
    public init(membership: ClusterMembership, kind: PeerTransportKind, clusterToken: String?, maxConnections: Int = 64,
                metrics: MetricsRegistry? = nil, codec: WireCodec = .proto) {
        var clients: [String: RPCClient] = [:]
        for peer in membership.peers {
            var transport: any ClientTransport = switch kind {
            case .pooled: PooledSocketTransport(address: peer.address, maxConnections: maxConnections)
            case .urlsession: URLSessionTransport(address: peer.address)
            }
            if let clusterToken { transport = HeaderTransport.authorizing(transport, token: clusterToken) }
            if let metrics { transport = MeteredTransport(transport, peer: peer.id, metrics: metrics) }
            clients[peer.id] = RPCClient(transport: transport, codec: codec)
        }
        self.clients = clients
    }

    /// In-memory transports from `selfID` to every other member (tests and simulation).
    public init(network: InMemoryNetwork, membership: ClusterMembership, clusterToken: String?, codec: WireCodec = .proto) {
        var clients: [String: RPCClient] = [:]
        for peer in membership.peers {
            var transport: any ClientTransport = network.transport(from: membership.selfID, to: peer.id)
            if let clusterToken { transport = HeaderTransport.authorizing(transport, token: clusterToken) }
            clients[peer.id] = RPCClient(transport: transport, codec: codec)
        }
        self.clients = clients
    }

    public subscript(id: String) -> RPCClient? { clients[id] }
}
