import ConsensusService
import RPC
import Synchronization

/// `consensus-decide`: create a pool of N, run N voting agents until it decides; latency is
/// creation to the last agent's decision. Strategy `random` draws values 1…10 as the seeds'
/// clients did; `mixed` gives agents random, stubborn and follow-majority strategies in turn.
/// At concurrency C, C pools are decided in parallel (closed loop). With several replicas, the
/// k-th pool is created through replica k mod R and its agent i talks to replica (i + k) mod R:
/// most agents reach the pools through a follower, and each strategy meets the leader as often
/// as the others (the agent on the leader's replica sees the full pool first and often votes
/// first, so a fixed placement made a run's figures depend on which replica won the election).
enum ConsensusScenario {
    static func run(options: BenchOptions, addresses: [SocketAddress], label: String = "") async throws -> [RunReport] {
        var reports: [RunReport] = []
        let clients = addresses.map { RPCClient(transport: PooledSocketTransport(address: $0, maxConnections: 256)) }
        let counter = Atomic<Int>(0)
        // Pools of an earlier run against the same `--target` still exist: ids must not repeat.
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        for members in options.members {
          for strategyName in options.strategies {
            for concurrency in options.concurrency {
                let rounds = Mutex<[Int: Int]>([:])
                let generator = LoadGenerator(concurrency: concurrency, warmup: options.warmup, duration: options.duration,
                                              progress: Progress(label: "consensus-decide n=\(members) \(strategyName) c=\(concurrency)"))
                let result = await generator.run { worker, sequence in
                    let number = counter.add(1, ordering: .relaxed).newValue
                    let id = "bench-\(run)-\(number)"
                    _ = try await clients[number % clients.count].call(ConsensusV1.Consensus.createPool, ConsensusV1.CreatePoolRequest(poolId: id, size: Int32(members), ttlSeconds: 60))
                    let decisions = try await withThrowingTaskGroup(of: VotingAgent.Decision.self) { group in
                        for index in 0..<members {
                            let strategy = strategyName == "mixed" ? VotingAgent.Strategy.allCases[index % 3]
                                : VotingAgent.Strategy(rawValue: strategyName) ?? .random
                            let agentClient = clients[(index + number) % clients.count]
                            group.addTask {
                                try await VotingAgent(client: agentClient, memberID: "m\(index)", poolID: id, strategy: strategy,
                                                      patience: .seconds(30)).run()
                            }
                        }
                        var all: [VotingAgent.Decision] = []
                        for try await decision in group { all.append(decision) }
                        return all
                    }
                    guard Set(decisions.map(\.winner)).count == 1 else { throw BenchError("agents disagree in \(id)") }
                    rounds.withLock { $0[Int(decisions[0].round), default: 0] += 1 }
                    _ = worker + sequence
                }
                let roundText = rounds.withLock { $0 }.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
                reports.append(RunReport(name: "consensus-decide\(label) n=\(members) \(strategyName)", concurrency: concurrency, result: result,
                                         note: "rounds→pools \(roundText)"))
            }
          }
        }
        return reports
    }
}
