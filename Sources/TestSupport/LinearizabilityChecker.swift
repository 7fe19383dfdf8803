/// Checks that a register history is linearizable: Wing & Gong's search with Lowe's memoization
/// of (linearized set, state), one key at a time (linearizability is local: P-compositionality).
///
/// Failed operations are dropped; reads with unknown outcome are dropped; writes with unknown
/// outcome may take effect at any point after invocation, or never.
public enum LinearizabilityChecker {
    public enum Verdict: Sendable, Equatable {
        case linearizable
        /// No order works for `key`; `operations` is that key's history, for the failure message.
        case violation(key: String, operations: [String])
        /// The search exceeded its budget: no verdict (never treat as a pass).
        case unknown(key: String)
    }

    public static func check(_ history: [RegisterOperation], maxSteps: Int = 5_000_000) -> Verdict {
        let byKey = Dictionary(grouping: history, by: \.key)
        for key in byKey.keys.sorted() {
            let operations = (byKey[key] ?? []).filter { op in
                if op.outcome == .fail { return false }
                if op.outcome == .unknown, case .read = op.kind { return false }
                return true
            }
            switch checkKey(operations, maxSteps: maxSteps) {
            case .some(true): continue
            case .some(false): return .violation(key: key, operations: operations.map(\.description))
            case .none: return .unknown(key: key)
            }
        }
        return .linearizable
    }

    /// One key: true if linearizable, false if not, nil if the budget ran out.
    static func checkKey(_ operations: [RegisterOperation], maxSteps: Int) -> Bool? {
        let count = operations.count
        if count == 0 { return true }
        // Entries: 2 per op. Index 2i = call of op i, 2i+1 = return of op i; sentinel head = 2n.
        struct Event { let time: UInt64; let isReturn: Bool; let op: Int }
        var events: [Event] = []
        for (index, op) in operations.enumerated() {
            events.append(Event(time: op.invoke, isReturn: false, op: index))
            let end = op.outcome == .unknown ? UInt64.max : op.complete
            events.append(Event(time: end, isReturn: true, op: index))
        }
        // Calls before returns at equal times: touching intervals are concurrent.
        events.sort { ($0.time, $0.isReturn ? 1 : 0) < ($1.time, $1.isReturn ? 1 : 0) }
        let head = 2 * count
        var next = [Int](repeating: -1, count: 2 * count + 1)
        var prev = [Int](repeating: -1, count: 2 * count + 1)
        func id(_ event: Event) -> Int { 2 * event.op + (event.isReturn ? 1 : 0) }
        var previous = head
        for event in events {
            let node = id(event)
            next[previous] = node
            prev[node] = previous
            previous = node
        }
        func unlink(_ node: Int) {
            let p = prev[node], n = next[node]
            next[p] = n
            if n >= 0 { prev[n] = p }
        }
        func relink(_ node: Int) {
            let p = prev[node], n = next[node]
            next[p] = node
            if n >= 0 { prev[n] = node }
        }
        struct Memo: Hashable { var bits: [UInt64]; var state: String?; var hasState: Bool }
        var linearized = [UInt64](repeating: 0, count: (count + 63) / 64)
        var cache: Set<Memo> = []
        var stack: [(op: Int, state: String?)] = []
        var state: String? = nil
        var entry = next[head]
        var steps = 0
        while next[head] >= 0 {
            steps += 1
            if steps > maxSteps { return nil }
            guard entry >= 0 else { return false }
            let op = entry / 2
            if entry % 2 == 0 {
                // A call: try to linearize this operation now.
                var legal = false
                var newState = state
                switch operations[op].kind {
                case .write(let value):
                    legal = true
                    newState = value
                case .read(let value):
                    legal = state == value
                }
                if legal {
                    linearized[op / 64] |= 1 << UInt64(op % 64)
                    if cache.insert(Memo(bits: linearized, state: newState, hasState: newState != nil)).inserted {
                        stack.append((op, state))
                        state = newState
                        unlink(2 * op)
                        unlink(2 * op + 1)
                        entry = next[head]
                        continue
                    }
                    linearized[op / 64] &= ~(1 << UInt64(op % 64))
                }
                entry = next[entry]
            } else {
                // A return: everything before it was tried. An unknown op's return sorts after
                // every finite time, so reaching one means all completed ops are linearized.
                if operations[op].outcome == .unknown { return true }
                guard let (undone, before) = stack.popLast() else { return false }
                state = before
                linearized[undone / 64] &= ~(1 << UInt64(undone % 64))
                relink(2 * undone + 1)
                relink(2 * undone)
                entry = next[2 * undone]
            }
        }
        return true
    }
}
