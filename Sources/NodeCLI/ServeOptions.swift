public import Cluster
public import RPC
public import Storage

/// Options of `node serve`.
public struct ServeOptions: Equatable, Sendable {
    public var role: Role
    public var id = "n1"
    public var listen: SocketAddress
    /// Membership from `--peers` (validated against `--id` while parsing).
    public var peers: ClusterMembership?
    /// Membership from `--cluster-file` (read when the node starts).
    public var clusterFile: String?
    public var clusterToken: String?
    public var clusterTokenFile: String?
    public var clientTokensFile: String?
    public var peerTransport = PeerTransportKind.pooled
    /// How peer calls encode messages (`--peer-codec`).
    public var peerCodec = WireCodec.proto
    public var heartbeatInterval = Duration.milliseconds(500)
    public var failureTimeout = Duration.seconds(2)
    public var fsync = FsyncPolicy.always
    public var maxPools = 10_000
    /// Event-loop threads (nil: one per core).
    public var eventLoops: Int?
    public var maxValueBytes = 1 << 20
    public var peerTimeout = Duration.seconds(2)
    /// register: whether writes try one round trip first (`--write-rounds 1`, the default).
    public var oneRoundWrites = true
    public var antiEntropyInterval = Duration.seconds(5)
    /// Replicated-log roles (consensus, bulletin sequential): applied entries between snapshots.
    public var snapshotEvery: UInt64 = 10_000
    public var dataDir: String?
    public var mode = BulletinMode.sequential
    public var readQuorum: Int?
    public var writeQuorum: Int?
    public var maxTitleBytes = 1024
    public var maxPostBytes = 64 << 10
    public var logLevel = Logger.Level.info
    public var logFormat = Logger.Format.logfmt
    public var maxBodyBytes = 4 * 1024 * 1024
    public var maxConnections = 4096
    public var drainTimeout = Duration.seconds(15)
    public var idleTimeout = Duration.seconds(120)
    public var headerTimeout = Duration.seconds(10)

    public static let defaultListen = "127.0.0.1:7700"

    static func parse(_ arguments: [String]) throws(UsageError) -> ServeOptions {
        var scanner = ArgumentScanner(arguments, command: "serve")
        var role: Role?
        var peersText: String?
        var options = ServeOptions(role: .consensus, listen: try! SocketAddress(parsing: defaultListen))
        while let argument = scanner.next() {
            switch argument {
            case "--role": role = try Role(parsing: scanner.value(for: argument))
            case "--id":
                options.id = try scanner.value(for: argument)
                guard !options.id.isEmpty, options.id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw UsageError("--id may hold letters, digits, '-', '_' and '.'", command: "serve")
                }
            case "--listen":
                do { options.listen = try SocketAddress(parsing: scanner.value(for: argument)) } catch let error as UsageError {
                    throw error
                } catch {
                    throw UsageError("--listen: \(error)", command: "serve")
                }
            case "--peers": peersText = try scanner.value(for: argument)
            case "--cluster-file": options.clusterFile = try scanner.value(for: argument)
            case "--cluster-token": options.clusterToken = try scanner.value(for: argument)
            case "--cluster-token-file": options.clusterTokenFile = try scanner.value(for: argument)
            case "--client-tokens": options.clientTokensFile = try scanner.value(for: argument)
            case "--peer-transport":
                let text = try scanner.value(for: argument)
                guard let kind = PeerTransportKind(rawValue: text) else {
                    throw UsageError("--peer-transport must be pooled or urlsession", command: "serve")
                }
                options.peerTransport = kind
            case "--peer-codec":
                let text = try scanner.value(for: argument)
                guard let codec = WireCodec(rawValue: text) else { throw UsageError("--peer-codec must be json or proto", command: "serve") }
                options.peerCodec = codec
            case "--heartbeat-interval": options.heartbeatInterval = try scanner.duration(for: argument)
            case "--failure-timeout": options.failureTimeout = try scanner.duration(for: argument)
            case "--fsync":
                let text = try scanner.value(for: argument)
                guard let policy = FsyncPolicy(rawValue: text) else {
                    throw UsageError("--fsync must be always, batch or never", command: "serve")
                }
                options.fsync = policy
            case "--data-dir": options.dataDir = try scanner.value(for: argument)
            case "--log-level":
                let text = try scanner.value(for: argument)
                guard let level = Logger.Level(name: text) else {
                    throw UsageError("--log-level must be one of \(Logger.Level.allCases.map(\.name).joined(separator: ", "))", command: "serve")
                }
                options.logLevel = level
            case "--log-format":
                let text = try scanner.value(for: argument)
                guard let format = Logger.Format(rawValue: text) else {
                    throw UsageError("--log-format must be logfmt or json", command: "serve")
                }
                options.logFormat = format
            case "--max-body-bytes": options.maxBodyBytes = try scanner.int(for: argument, in: 1...(1 << 30))
            case "--max-value-bytes": options.maxValueBytes = try scanner.int(for: argument, in: 1...(1 << 30))
            case "--peer-timeout": options.peerTimeout = try scanner.duration(for: argument)
            case "--write-rounds": options.oneRoundWrites = try scanner.int(for: argument, in: 1...2) == 1
            case "--anti-entropy-interval": options.antiEntropyInterval = try scanner.duration(for: argument)
            case "--snapshot-every": options.snapshotEvery = UInt64(try scanner.int(for: argument, in: 10...100_000_000))
            case "--mode": options.mode = try BulletinMode(parsing: scanner.value(for: argument))
            case "--read-quorum": options.readQuorum = try scanner.int(for: argument, in: 1...1000)
            case "--write-quorum": options.writeQuorum = try scanner.int(for: argument, in: 1...1000)
            case "--max-title-bytes": options.maxTitleBytes = try scanner.int(for: argument, in: 1...(1 << 20))
            case "--max-post-bytes": options.maxPostBytes = try scanner.int(for: argument, in: 1...(1 << 30))
            case "--event-loops": options.eventLoops = try scanner.int(for: argument, in: 1...16)
            case "--max-pools": options.maxPools = try scanner.int(for: argument, in: 1...10_000_000)
            case "--max-connections": options.maxConnections = try scanner.int(for: argument, in: 1...1_000_000)
            case "--drain-timeout": options.drainTimeout = try scanner.duration(for: argument)
            case "--idle-timeout": options.idleTimeout = try scanner.duration(for: argument)
            case "--header-timeout": options.headerTimeout = try scanner.duration(for: argument)
            default: throw UsageError("unknown option '\(argument)'", command: "serve")
            }
        }
        guard let role else { throw UsageError("--role is required", command: "serve") }
        options.role = role
        if let peersText {
            guard options.clusterFile == nil else { throw UsageError("give --peers or --cluster-file, not both", command: "serve") }
            do {
                options.peers = try ClusterMembership.parse(peers: peersText, selfID: options.id)
            } catch {
                throw UsageError("--peers: \(error)", command: "serve")
            }
        }
        if options.clusterToken != nil && options.clusterTokenFile != nil {
            throw UsageError("give --cluster-token or --cluster-token-file, not both", command: "serve")
        }
        return options
    }
}
