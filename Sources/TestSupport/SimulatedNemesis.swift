import ReplicaMath

/// The nemesis both virtual-time simulations use (`RegisterSimulation`, `BulletinSimulation`):
/// each round either partitions a random minority from the rest or crashes it, until healed.
enum SimulatedNemesis {
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
