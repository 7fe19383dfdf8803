import RegisterCore
import ReplicaMath

extension RegisterSimulation {
    /// The client's next operation: a read, a write or a delete of a random key, through a random
    /// node (refused at once, with no effect, when that node is down).
    mutating func startClientOperation(_ process: Int) {
        let serial = clientSerial[process]
        guard serial < settings.operationsPerClient else { return }
        let key = settings.keys[Int(below(UInt64(settings.keys.count)))]
        let id = ids[Int(below(UInt64(ids.count)))]
        let write: String?? = switch below(3) {
        case 0: .none
        case 1: .some(nil)
        default: .some("p\(process)-\(serial)")
        }
        let pending = Pending(process: process, serial: serial, key: key, write: write, invoke: now)
        guard nodes[id]?.up == true else {
            return record(pending, outcome: .fail, read: nil)
        }
        start(pending, at: id)
        schedule(.clientGiveUp(process: process, serial: serial), after: settings.clientTimeout)
    }

    mutating func start(_ pending: Pending, at id: String) {
        guard var node = nodes[id] else { return }
        let operation: UInt64
        if let write = pending.write {
            operation = node.core.startWrite(pending.key, value: write, requestID: nil, localVersion: node.replica.store.version(of: pending.key))
        } else {
            operation = node.core.startRead(pending.key)
            readOperations.insert("\(id)/\(operation)")
        }
        nodes[id] = node
        inFlight[id, default: [:]][operation] = pending
        perform(at: id)
    }

    /// Adds the operation to the history; a workload client then goes on with its next one.
    mutating func record(_ pending: Pending, outcome: RegisterOperation.Outcome, read: String?) {
        let kind: RegisterOperation.Kind = pending.write.map { .write($0) } ?? .read(read)
        history.append(RegisterOperation(process: pending.process, key: pending.key, kind: kind, invoke: pending.invoke,
                                         complete: now, outcome: outcome))
        guard pending.process < settings.clients else {
            if outcome != .ok { finalFailures.append("\(pending.key)@p\(pending.process)") }
            return
        }
        clientSerial[pending.process] = pending.serial + 1
        schedule(.clientStart(process: pending.process), after: 1 + below(10))
    }

    /// Heals every fault, lets the cluster settle, then reads every key through every node, one
    /// read at a time (each must succeed: a majority is up and the network is clean).
    mutating func finish() {
        network.blocked = []
        network.faulty = false
        for id in ids where nodes[id]?.up == false { restart(id) }
        drain(limit: 2_000_000)
        var process = 1000
        for key in settings.keys {
            for id in ids {
                process += 1
                start(Pending(process: process, serial: 0, key: key, write: nil, invoke: now), at: id)
                drain(limit: 100_000)
                if inFlight[id]?.isEmpty == false { finalFailures.append("\(key)@\(id) (no answer)") }
            }
        }
    }
}
