import RPC

/// Options of `node cluster`.
public struct ClusterOptions: Equatable, Sendable {
    public var role: Role
    public var replicas = 3
    public var basePort: Int?
    public var host = "127.0.0.1"
    public var dataDir: String?
    /// Whether a replica that exits is started again (same id, port and data dir).
    public var restart = true
    /// Extra arguments passed to every `node serve`.
    public var serveArguments: [String] = []

    static func parse(_ arguments: [String]) throws(UsageError) -> ClusterOptions {
        var scanner = ArgumentScanner(arguments, command: "cluster")
        var role: Role?
        var options = ClusterOptions(role: .consensus)
        while let argument = scanner.next() {
            switch argument {
            case "--role": role = try Role(parsing: scanner.value(for: argument))
            case "--replicas": options.replicas = try scanner.int(for: argument, in: 1...15)
            case "--base-port": options.basePort = try scanner.int(for: argument, in: 1...65_000)
            case "--host": options.host = try scanner.value(for: argument)
            case "--data-dir": options.dataDir = try scanner.value(for: argument)
            case "--restart": options.restart = true
            case "--no-restart": options.restart = false
            case "--mode": options.serveArguments += ["--mode", try BulletinMode(parsing: scanner.value(for: argument)).rawValue]
            case "--": options.serveArguments = scanner.rest()
            default: throw UsageError("unknown option '\(argument)' (pass serve options after --)", command: "cluster")
            }
        }
        guard let role else { throw UsageError("--role is required", command: "cluster") }
        options.role = role
        return options
    }
}
