public import ConsensusService
public import RPC

/// Options of `node agent`.
public struct AgentOptions: Equatable, Sendable {
    public var addresses: [SocketAddress]
    public var poolID: String?
    public var memberID: String?
    public var strategy = VotingAgent.Strategy.random
    public var patience = Duration.seconds(60)
    public var seed: UInt64?
    public var headers: [String: String] = [:]

    static func parse(_ arguments: [String]) throws(UsageError) -> AgentOptions {
        var scanner = ArgumentScanner(arguments, command: "agent")
        var options = AgentOptions(addresses: [])
        while let argument = scanner.next() {
            switch argument {
            case "--pool": options.poolID = try scanner.value(for: argument)
            case "--id": options.memberID = try scanner.value(for: argument)
            case "--strategy":
                let text = try scanner.value(for: argument)
                guard let strategy = VotingAgent.Strategy(rawValue: text) else {
                    throw UsageError("--strategy must be random, stubborn or follow-majority", command: "agent")
                }
                options.strategy = strategy
            case "--patience": options.patience = try scanner.duration(for: argument)
            case "--seed":
                let text = try scanner.value(for: argument)
                guard let seed = UInt64(text) else { throw UsageError("--seed must be a whole number", command: "agent") }
                options.seed = seed
            case "-H", "--header":
                let (name, value) = try scanner.header(for: "-H")
                options.headers[name] = value
            default:
                guard !argument.hasPrefix("-") else { throw UsageError("unknown option '\(argument)'", command: "agent") }
                do { options.addresses.append(try SocketAddress(parsing: argument)) } catch {
                    throw UsageError("\(error)", command: "agent")
                }
            }
        }
        guard !options.addresses.isEmpty else { throw UsageError("give at least one server <address>", command: "agent") }
        return options
    }
}
