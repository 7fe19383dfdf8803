import Foundation
import RPC

/// Entry point of the `node` executable: parse, run, map the outcome to an exit status.
public enum NodeMain {
    public static func run(_ arguments: [String]) async -> Int32 {
        let command: NodeCommand
        do {
            command = try NodeCommand.parse(arguments)
        } catch {
            printError("error: \(error.message)\n\(Self.hint(for: error.command))")
            return 64
        }
        switch command {
        case .help(let topic):
            Console.out(Usage.text(for: topic))
            return 0
        case .version:
            Console.out("node \(Usage.version)")
            return 0
        case .serve(let options):
            return await ServeCommand(options: options).run()
        case .call(let options):
            return await CallCommand(options: options).run()
        case .cluster(let options):
            return await ClusterCommand(options: options).run()
        case .agent(let options):
            return await AgentCommand(options: options).run()
        }
    }

    /// The line after a usage error: where the full usage is (it is not repeated in full, so the
    /// error stays the first thing a user reads).
    static func hint(for command: String?) -> String {
        "see '" + (command.map { "node \($0) --help" } ?? "node --help") + "'"
    }

    static func printError(_ text: String) {
        Console.err(text)
    }
}
