import ReplicaMath

/// The nemesis both virtual-time simulations use (`RegisterSimulation`, `BulletinSimulation`):
/// each round either partitions a random minority from the rest or crashes it, until healed.
enum SimulatedNemesis {
    /// Round `round`'s action: an even round partitions a random minority (its links go into
    /// `network.blocked`), an odd one returns that minority for the caller to crash.
    static func strike(round: Int, ids: [String], random: inout SeededGenerator, network: inout SimulatedNetwork) -> [String] {
        let victims = victims(of: ids, using: &random)
        guard round % 2 != 0 else {
            network.blocked = partition(victims, from: ids)
            return []
        }
        return victims
    }

    /// A random minority of `ids` (at least one).
    static func victims(of ids: [String], using random: inout SeededGenerator) -> [String] {
        var victims = ids
        victims.shuffle(using: &random)
        return Array(victims.prefix(max(1, (ids.count - 1) / 2)))
    }

    /// Links cut (`from>to`) when `victims` are partitioned from the others: both directions.
    static func partition(_ victims: [String], from ids: [String]) -> Set<String> {
        var blocked: Set<String> = []
        for victim in victims {
            for other in ids where !victims.contains(other) {
                blocked.insert(victim + ">" + other)
                blocked.insert(other + ">" + victim)
            }
        }
        return blocked
    }
}
