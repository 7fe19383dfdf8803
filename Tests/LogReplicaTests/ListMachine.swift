import ReplicatedLog
import Synchronization

/// A state machine for shell tests: a list of strings; applying returns the new length.
final class ListMachine: ReplicatedStateMachine {
    let items = Mutex<[String]>([])

    func apply(_ command: String, index: UInt64) -> Int {
        items.withLock { items in
            items.append(command)
            return items.count
        }
    }

    func snapshot() -> @Sendable () throws -> [UInt8] {
        let copy = items.withLock { $0 }
        return { Array(copy.joined(separator: "\n").utf8) }
    }

    func restore(_ data: [UInt8]) throws {
        let text = String(decoding: data, as: UTF8.self)
        items.withLock { $0 = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    }

    var all: [String] { items.withLock { $0 } }
}
