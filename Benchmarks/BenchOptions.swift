import Foundation

/// Command-line options of `node-bench`.
struct BenchOptions {
    var scenario = ""
    var concurrency: [Int] = []
    var duration: Duration = .seconds(5)
    var warmup: Duration = .seconds(1)
    var transports: [String] = ["pooled", "urlsession"]
    var target: String?
    /// `--help`: print the usage and exit 0.
    var help = false
    var force = false
    var jsonPath: String?
    var members: [Int] = [3, 9]
    var strategies = ["random", "mixed"]
    var keys = 1000
    var valueSize = 100
    var replicas = 3
    /// consensus-decide: cluster sizes to run in turn (`--replicas 3,1`).
    var replicaCounts: [Int]?
    /// failover: the role (bulletin or consensus), the signal (kill or term), trials (consensus).
    var role = "bulletin"
    var signal = "kill"
    var trials = 5
    /// bulletin-compaction: log entries between snapshots.
    var snapshotEvery = 10_000
    var compare: String?
    var svgPath: String?
    var rate: Double?
    var distribution = KeyChooser.Distribution.uniform
    var fsync = "always"
    /// `--peer-codec json|proto`: passed to every node started (their default when nil).
    var peerCodec: String?
    /// The fsync policy and peer codec as `node serve` arguments.
    var serveArguments: [String] { ["--fsync", fsync] + (peerCodec.map { ["--peer-codec", $0] } ?? []) }
    var modes = ["sequential", "quorum", "read-your-writes"]
    var articles = 10_000
    /// Whether `--articles` was given (bulletin-compaction's default is 200k, not 10k).
    var articlesGiven = false

    static let usage = """
    Usage: swift run -c release node-bench <scenario> [options]

    Scenarios:
      rpc               Health/Check round trips: pooled keep-alive sockets vs URLSession
      consensus-decide  time from pool creation to decision with N voting agents (--members 3,9) on 3 and 1 replicas
      register-write    ABD writes on a 3-replica cluster (also register-read, register-mixed)
      bulletin-post     posts on a 3-replica bulletin board, per --mode
      bulletin-list     List (newest 20) on a board holding --articles posts, per --mode
      failover          the log's leader is stopped under load: time to the next acknowledged write
                        (--role bulletin: sequential posts, one kill; --role consensus: --trials of --signal kill|term)
      disk              the floor of a durable commit (4 KiB + fdatasync: append, fallocated, pre-written
                        overwrite) next to the write-ahead log's own append+sync with 1, 2 and 3 logs
      bulletin-compaction  --articles posts (200k) on a sequential board with and without snapshots:
                        latency, data directory vs snapshot, restart of a killed replica to caught up
      codec             in-process ns/op of the replica hot path: HTTP heads, peer messages (no sockets)

    Options:
      --concurrency 1,64      concurrent callers (a list runs each in turn)
      --duration 5s           measured time per run (after --warmup, default 1s)
      --transport pooled,urlsession
      --target HOST:PORT      use a running node instead of starting one
      --members 3,9           consensus-decide: pool sizes
      --strategy random,mixed consensus-decide: agents' strategies (random, stubborn, follow-majority, mixed)
      --fsync always          the nodes' fsync policy (always, batch, never)
      --peer-codec CODEC      the nodes' peer codec (proto, their default, or json)
      --replicas 3            cluster size (consensus-decide: a list, default 3,1)
      --role bulletin         failover: bulletin (sequential mode) or consensus
      --signal kill           failover --role consensus: kill (SIGKILL) or term (SIGTERM: the leader hands over)
      --trials 5              failover --role consensus: leader stops measured
      --keys 1000             register: keys, chosen uniformly
      --value-size 100        register: bytes per value
      --distribution uniform  register: key popularity, uniform or zipfian (theta 0.99)
      --mode M,M              bulletin: sequential,quorum,read-your-writes (default all three)
      --articles 10000        bulletin-list: posts on the board before measuring (bulletin-compaction: posts, 200000)
      --snapshot-every 10000  bulletin-compaction: log entries between snapshots
      --rate N                open loop: N operations per second in total, latency measured from when
                              each was due (concurrency = most operations in flight)
      --compare etcd|nginx    register: run the same load on a 3-member etcd cluster (etcd on the PATH);
                              rpc: the same Health/Check load on nginx answering a fixed 200 (2 workers)
                              and print both with the ratio; needs --fsync always (etcd 3.4 always fsyncs)
      --json FILE             write every figure and the configuration as JSON
      --svg FILE              plot latency by percentile (and throughput by concurrency for sweeps)
      --sweep concurrency=1,4,16,64   run each level and plot them together
      --force                 run even in a debug build (figures will be meaningless)
    """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else { throw BenchError("\(flag) needs a value") }
            return next
        }
        func duration(_ flag: String) throws -> Duration {
            let text = try value(flag)
            let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
            for (suffix, scale) in units where text.hasSuffix(suffix) {
                if let number = Double(text.dropLast(suffix.count)) { return .milliseconds(Int64(number * scale * 1000)) }
            }
            if let number = Double(text) { return .milliseconds(Int64(number * 1000)) }
            throw BenchError("\(flag) must be a duration like 5s")
        }
        while let argument = iterator.next() {
            switch argument {
            case "--concurrency":
                options.concurrency = try value(argument).split(separator: ",").map {
                    guard let n = Int($0), n > 0 else { throw BenchError("--concurrency takes positive numbers") }
                    return n
                }
            case "--duration": options.duration = try duration(argument)
            case "--warmup": options.warmup = try duration(argument)
            case "--transport": options.transports = try value(argument).split(separator: ",").map(String.init)
            case "--target": options.target = try value(argument)
            case "--json": options.jsonPath = try value(argument)
            case "--svg": options.svgPath = try value(argument)
            case "--rate":
                guard let rate = Double(try value(argument)), rate > 0 else { throw BenchError("--rate takes operations per second") }
                options.rate = rate
            case "--distribution":
                guard let distribution = KeyChooser.Distribution(rawValue: try value(argument)) else {
                    throw BenchError("--distribution is uniform or zipfian")
                }
                options.distribution = distribution
            case "--sweep":
                let text = try value(argument)
                guard text.hasPrefix("concurrency=") else { throw BenchError("--sweep takes concurrency=1,4,16,64") }
                options.concurrency = try text.dropFirst("concurrency=".count).split(separator: ",").map {
                    guard let n = Int($0), n > 0 else { throw BenchError("--sweep takes positive concurrency levels") }
                    return n
                }
            case "--force": options.force = true
            case "--members":
                options.members = try value(argument).split(separator: ",").map {
                    guard let n = Int($0), n >= 2 else { throw BenchError("--members takes pool sizes of at least 2") }
                    return n
                }
            case "--fsync": options.fsync = try value(argument)
            case "--peer-codec": options.peerCodec = try value(argument)
            case "--keys": options.keys = try Int(value(argument)).flatMap { $0 > 0 ? $0 : nil } ?? { throw BenchError("--keys takes a positive number") }()
            case "--value-size": options.valueSize = try Int(value(argument)).flatMap { $0 >= 0 ? $0 : nil } ?? { throw BenchError("--value-size takes a number") }()
            case "--replicas":
                let counts = try value(argument).split(separator: ",").map { part -> Int in
                    guard let count = Int(part), count > 0 else { throw BenchError("--replicas takes positive numbers") }
                    return count
                }
                options.replicaCounts = counts
                options.replicas = counts.first ?? 3
            case "--role":
                options.role = try value(argument)
                guard ["bulletin", "consensus"].contains(options.role) else { throw BenchError("--role is bulletin or consensus") }
            case "--signal":
                options.signal = try value(argument)
                guard ["kill", "term"].contains(options.signal) else { throw BenchError("--signal is kill or term") }
            case "--snapshot-every": options.snapshotEvery = try Int(value(argument)).flatMap { $0 >= 10 ? $0 : nil } ?? { throw BenchError("--snapshot-every takes a number of at least 10") }()
            case "--trials": options.trials = try Int(value(argument)).flatMap { $0 > 0 ? $0 : nil } ?? { throw BenchError("--trials takes a positive number") }()
            case "--compare":
                let target = try value(argument)
                guard ["etcd", "nginx"].contains(target) else { throw BenchError("--compare is etcd (register scenarios) or nginx (rpc)") }
                options.compare = target
            case "--mode": options.modes = try value(argument).split(separator: ",").map(String.init)
            case "--articles": options.articles = try Int(value(argument)).flatMap { $0 > 0 ? $0 : nil } ?? { throw BenchError("--articles takes a positive number") }()
                options.articlesGiven = true
            case "--strategy": options.strategies = try value(argument).split(separator: ",").map(String.init)
            case "--help", "-h": options.help = true
            default:
                guard !argument.hasPrefix("-"), options.scenario.isEmpty else { throw BenchError("error: unknown option '\(argument)'\nsee 'node-bench --help'") }
                options.scenario = argument
            }
        }
        guard !options.scenario.isEmpty || options.help else { throw BenchError("error: missing scenario\nsee 'node-bench --help'") }
        return options
    }
}
