import ReplicaMath

/// The message network of the virtual-time simulations (`RegisterSimulation`,
/// `BulletinSimulation`): each message is cut by a partition, dropped, delivered once after a
/// random delay (so messages reorder), or duplicated, by the dice of the simulation's one
/// generator. Healing (`faulty = false`) ends drops and duplicates; partitions are `blocked`.
public struct SimulatedNetwork: Sendable {
    public var dropRate = 0.03
    public var duplicateRate = 0.03
    /// A copy arrives 1 + uniform 0..<maxDelay ticks after it was sent (a tick is a virtual 100 µs).
    public var maxDelay: UInt64 = 8
    /// Links cut, as `from>to`.
    var blocked: Set<String> = []
    /// False once the run heals: nothing is dropped or duplicated any more.
    var faulty = true

    public init() {}

    /// The delays of the copies of one message that arrive: none, one, or two.
    func delays(from: String, to: String, using random: inout SeededGenerator) -> [UInt64] {
        guard !blocked.contains(from + ">" + to), !(faulty && random.chance(dropRate)) else { return [] }
        var copies = [1 + random.next() % max(1, maxDelay)]
        if faulty, random.chance(duplicateRate) { copies.append(1 + random.next() % max(1, maxDelay)) }
        return copies
    }
}
