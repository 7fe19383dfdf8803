import ConsensusService
import Foundation
import RPC

/// `node agent`: runs one `VotingAgent` against the given servers and prints the decision.
struct AgentCommand {
    let options: AgentOptions

    func run() async -> Int32 {
        var transports: [any ClientTransport] = options.addresses.map { PooledSocketTransport(address: $0, maxConnections: 4) }
        if !options.headers.isEmpty {
            var headers = HTTPHeaders()
            for (name, value) in options.headers { headers.add(name, value) }
            transports = transports.map { HeaderTransport($0, headers: headers) }
        }
        let client = RPCClient(transport: FailoverTransport(transports, policy: RetryPolicy(maxAttempts: max(2, transports.count))))
        let agent = VotingAgent(client: client, memberID: options.memberID ?? "agent-\(getpid())", poolID: options.poolID,
                                strategy: options.strategy, patience: options.patience, seed: options.seed)
        do {
            let decision = try await agent.run()
            Console.out(decision.description)
            return 0
        } catch {
            Console.err("error: \(error)")
            return 1
        }
    }
}
