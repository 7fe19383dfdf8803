import Foundation
import RegisterCore
import RegisterService
import RPC
import Synchronization
import Testing
import TestSupport
import ReplicaMath

/// A 3-process register cluster under load while one replica is killed and restarted and another
/// is paused and resumed: the history must be linearizable and the restarted replica catch up.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RegisterEndToEndTests {
    final class History: Sendable {
        let start = ContinuousClock.now
        let operations = Mutex<[RegisterOperation]>([])
        let acked = Atomic<Int>(0)
        let nemesisOver = Atomic<Bool>(false)

        func now() -> UInt64 {
            let elapsed = ContinuousClock.now - start
            return UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
        }

        func add(_ operation: RegisterOperation) { operations.withLock { $0.append(operation) } }
    }

    @Test func linearizableUnderKillAndPause() async throws {
        let directory = ScratchDirectory.path("register-e2e")
        let ports = try FreePorts.pick(3, host: "127.0.0.1")
        let ids = ["n1", "n2", "n3"]
        let peers = zip(ids, ports).map { "\($0)=127.0.0.1:\($1)" }.joined(separator: ",")
        // n3 writes in two phases, n1 and n2 in one round trip when they can: both kinds mix.
        func arguments(_ index: Int) -> [String] {
            ["serve", "--role", "register", "--id", ids[index], "--listen", "127.0.0.1:\(ports[index])", "--peers", peers,
             "--data-dir", "\(directory)/\(ids[index])", "--cluster-token", "secret", "--anti-entropy-interval", "300ms",
             "--peer-timeout", "500ms", "--log-level", "warning"] + (index == 2 ? ["--write-rounds", "2"] : [])
        }
        var nodes = try (0..<3).map { try NodeProcess(arguments($0)) }
        for node in nodes { _ = try await node.waitForLine(prefix: "listening on ") }
        let addresses = try ports.map { try SocketAddress(parsing: "127.0.0.1:\($0)") }
        let clients = addresses.map { RPCClient(transport: PooledSocketTransport(address: $0, maxConnections: 8)) }
        let history = History()
        let keys = ["a", "b", "c", "d"]
        // The load runs until the nemesis is over and enough writes were acknowledged (bounded at
        // 90 s): on a busy machine it is slower, never shorter.
        let hardLimit = ContinuousClock.now + .seconds(90)

        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for process in 0..<8 {
                    group.addTask {
                        var random = SeededGenerator(seed: UInt64(process) + 1)
                        var step = 0
                        while ContinuousClock.now < hardLimit,
                              !(history.nemesisOver.load(ordering: .relaxed) && history.acked.load(ordering: .relaxed) >= 200) {
                            step += 1
                            let key = keys[Int(random.next() % 4)]
                            let node = Int(random.next() % 3)
                            let write = random.next() % 2 == 0
                            let invoke = history.now()
                            let value = "p\(process)-\(step)"
                            do {
                                if write {
                                    _ = try await clients[node].call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: key, value: value),
                                                                     options: CallOptions(timeout: .seconds(1)))
                                    history.add(RegisterOperation(process: process, key: key, kind: .write(value), invoke: invoke, complete: history.now(), outcome: .ok))
                                    history.acked.add(1, ordering: .relaxed)
                                } else {
                                    let response = try await clients[node].call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: key),
                                                                                 options: CallOptions(timeout: .seconds(1)))
                                    history.add(RegisterOperation(process: process, key: key, kind: .read(response.found ? response.value : nil),
                                                                  invoke: invoke, complete: history.now(), outcome: .ok))
                                }
                            } catch {
                                history.add(RegisterOperation(process: process, key: key, kind: write ? .write(value) : .read(nil),
                                                              invoke: invoke, complete: history.now(), outcome: .unknown))
                                try? await Task.sleep(for: .milliseconds(20))
                            }
                        }
                    }
                }
            }
        }
        /// Waits until `count` writes were acknowledged in all (bounded in time).
        func acknowledged(_ count: Int) async throws {
            for _ in 0..<600 where history.acked.load(ordering: .relaxed) < count {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        // The nemesis, each step after the load made progress: kill -9 n3 and restart it; pause n2
        // and resume it.
        try await acknowledged(40)
        nodes[2].signal(SIGKILL)
        _ = try await nodes[2].waitForExit()
        try await acknowledged(80)
        nodes[2] = try NodeProcess(arguments(2))
        _ = try await nodes[2].waitForLine(prefix: "listening on ")
        try await acknowledged(110)
        nodes[1].signal(SIGSTOP)
        try await acknowledged(140)
        nodes[1].signal(SIGCONT)
        history.nemesisOver.store(true, ordering: .relaxed)
        _ = await load.result

        // Final reads through every replica.
        for key in keys {
            for (index, client) in clients.enumerated() {
                let invoke = history.now()
                let response = try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: key), options: CallOptions(timeout: .seconds(5)))
                history.add(RegisterOperation(process: 100 + index, key: key, kind: .read(response.found ? response.value : nil),
                                              invoke: invoke, complete: history.now(), outcome: .ok))
            }
        }
        let operations = history.operations.withLock { $0 }
        #expect(history.acked.load(ordering: .relaxed) > 100, "too little load to mean anything")
        let verdict = LinearizabilityChecker.check(operations)
        #expect(verdict == .linearizable, "\(verdict)")

        // The restarted replica caught up: its own copy of each key equals the cluster's.
        for key in keys {
            let cluster = try await clients[0].call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: key))
            var local = RegisterV1.ReadResponse(entry: nil)
            for _ in 0..<50 {
                local = try await clients[2].call(RegisterV1.Register.readLocal, RegisterV1.ReadRequest(key: key))
                if local == cluster { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(local == cluster, "n3 did not catch up on \(key)")
        }
        for node in nodes { node.signal(SIGTERM) }
        for node in nodes { _ = try await node.waitForExit() }
    }
}
