import ConsensusService
import Foundation
import RPC

/// `node agent`: runs one `VotingAgent` against the given servers and prints the decision.
struct AgentCommand {
    let options: AgentOptions

    func run() async -> Int32 {
        var transports: [any ClientTransport] = options.addresses.map { PooledSocketTransport(address: $0, maxConnections: 4) }
        if !options.headers.isEmpty {
            transports = transports.map { HeaderTransport(inner: $0, headers: options.headers) }
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

/// Adds fixed headers (such as a client token) to every call.
struct HeaderTransport: ClientTransport {
    let inner: any ClientTransport
    let headers: [String: String]

    func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        try await inner.unary(path: path, body: body, options: with(options))
    }

    func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        inner.serverStream(path: path, body: body, options: with(options))
    }

    private func with(_ options: CallOptions) -> CallOptions {
        var options = options
        for (name, value) in headers { options.headers.set(name, value) }
        return options
    }
}
