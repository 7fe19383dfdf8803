/// A parsed `node` command line: what to run, with every option already validated.
public enum NodeCommand: Equatable, Sendable {
    case serve(ServeOptions)
    case call(CallOptionsCLI)
    case cluster(ClusterOptions)
    case agent(AgentOptions)
    case version
    case help(String?)

    /// Parses `arguments` (without the program name). Pure: no I/O.
    public static func parse(_ arguments: [String]) throws(UsageError) -> NodeCommand {
        guard let first = arguments.first else { return .help(nil) }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            return .help(["serve", "call", "cluster", "agent"].contains(first) ? first : nil)
        }
        switch first {
        case "serve": return .serve(try ServeOptions.parse(rest))
        case "call": return .call(try CallOptionsCLI.parse(rest))
        case "cluster": return .cluster(try ClusterOptions.parse(rest))
        case "agent": return .agent(try AgentOptions.parse(rest))
        case "--version", "version": return .version
        case "--help", "-h", "help": return .help(rest.first)
        default: throw UsageError("unknown command '\(first)'")
        }
    }
}
