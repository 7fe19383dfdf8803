import RPC
import Testing
import TestSupport
import ReplicaMath

/// The WGL checker must agree with an exhaustive search on small random histories.
struct LinearizabilityBruteForceTests {
    /// Tries every order that respects real time; unknown writes may be left out.
    static func bruteForce(_ ops: [RegisterOperation]) -> Bool {
        let ops = ops.filter { op in
            if op.outcome == .fail { return false }
            if op.outcome == .unknown, case .read = op.kind { return false }
            return true
        }
        func end(_ op: RegisterOperation) -> UInt64 { op.outcome == .unknown ? .max : op.complete }
        var used = [Bool](repeating: false, count: ops.count)
        func search(_ state: String?, _ placed: Int) -> Bool {
            // Done when every known op is placed (unknown ones may stay out).
            if ops.indices.allSatisfy({ used[$0] || ops[$0].outcome == .unknown }) { return true }
            for i in ops.indices where !used[i] {
                // i can go next only if no unplaced op finished before i started.
                let blocked = ops.indices.contains { j in j != i && !used[j] && ops[j].outcome != .unknown && end(ops[j]) < ops[i].invoke }
                if blocked { continue }
                var next = state
                switch ops[i].kind {
                case .write(let value): next = value
                case .read(let value): if value != state { continue }
                }
                used[i] = true
                if search(next, placed + 1) { used[i] = false; return true }
                used[i] = false
            }
            return false
        }
        return search(nil, 0)
    }

    @Test(arguments: 0..<40)
    func agreesWithExhaustiveSearch(batch: UInt64) {
        var random = SeededGenerator(seed: batch)
        for round in 0..<100 {
            let count = Int(random.next() % 7) + 1
            var ops: [RegisterOperation] = []
            for index in 0..<count {
                let start = random.next() % 20
                let length = random.next() % 8
                let unknown = random.next() % 6 == 0
                let values: [String?] = [nil, "a", "b", "c"]
                if random.next() % 2 == 0 {
                    ops.append(RegisterOperation(process: index, key: "k", kind: .write(values[Int(random.next() % 3) + 1]),
                                                 invoke: start, complete: start + length, outcome: unknown ? .unknown : .ok))
                } else {
                    ops.append(RegisterOperation(process: index, key: "k", kind: .read(values[Int(random.next() % 4)]),
                                                 invoke: start, complete: start + length, outcome: .ok))
                }
            }
            let expected = Self.bruteForce(ops)
            let verdict = LinearizabilityChecker.check(ops)
            #expect((verdict == .linearizable) == expected, "batch \(batch) round \(round): \(ops.map(\.description)) checker=\(verdict) brute=\(expected)")
        }
    }
}
