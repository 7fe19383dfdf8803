/// One register replica's state as a value: the stored entries, the versions they replaced (so
/// an offer repeated after its entry was replaced is still answered `held`), the versions it can
/// no longer vouch for, and entries logged but not shown yet. No I/O and no locks: `ReplicaState`
/// makes it durable and thread-safe; a simulation can run it as it is.
///
/// Guarantees: an entry is stored only if newer than the key's; `offer` answers `held` when this
/// replica holds or held that very entry (as far back as it remembers `replacedMemory` replaced
/// versions), `newerUnvouched` when it holds something newer and may have held the entry and
/// forgotten it, else `newer` with the version it holds; prepared entries are invisible to
/// `store`'s readers until `reveal`, and `image` includes them (a snapshot must).
public struct RegisterReplica: Sendable {
    public private(set) var store = ReplicaStore()
    /// Versions held and then replaced by newer ones, with their keys.
    private var replaced: BoundedMemory<Version, String>
    /// Per key, the highest replaced version no longer remembered (or replaced before the image
    /// this replica was restored from): for an offer at or below it, `newer` cannot vouch that
    /// this replica never held the entry.
    public private(set) var forgottenUpTo: [String: Version] = [:]
    /// Entries logged but not shown yet, by version.
    public private(set) var prepared: [Version: (key: String, entry: Entry)] = [:]

    public static let defaultReplacedMemory = 65_536

    public init(replacedMemory: Int = defaultReplacedMemory) {
        replaced = BoundedMemory(capacity: replacedMemory)
    }

    /// A replica restored from an image: what its entries replaced is not known any more.
    public init(restoring image: ReplicaStore, replacedMemory: Int = defaultReplacedMemory) {
        self.init(replacedMemory: replacedMemory)
        store = image
        forgottenUpTo = image.digest
    }

    /// Stores `entry` if newer, remembering the version it replaced.
    public mutating func keep(_ key: String, _ entry: Entry) -> Bool {
        let (stored, replacedVersion) = store.replace(key, with: entry)
        guard stored, let replacedVersion else { return stored }
        if let (lostVersion, lostKey) = replaced.insert(replacedVersion, key) {
            forgottenUpTo[lostKey] = max(forgottenUpTo[lostKey] ?? .zero, lostVersion)
        }
        return true
    }

    /// A one-round write's offer (see `OfferRound`): keeps the entry unless something newer is
    /// stored, and answers whether this replica holds or held that very entry.
    public mutating func offer(_ key: String, _ entry: Entry) -> (stored: Bool, answer: OfferRound.Answer) {
        let stored = keep(key, entry)
        let current = store.version(of: key)
        if stored || current == entry.version || replaced[entry.version] != nil { return (stored, .held) }
        if let forgotten = forgottenUpTo[key], entry.version <= forgotten { return (stored, .newerUnvouched(current)) }
        return (stored, .newer(current))
    }

    /// Logs-but-hides an entry (a coordinator's own copy while its offer is out).
    public mutating func prepare(_ key: String, _ entry: Entry) {
        prepared[entry.version] = (key, entry)
    }

    /// Shows a prepared entry (stored if newer); true when it was stored.
    public mutating func reveal(_ key: String, _ entry: Entry) -> Bool {
        prepared[entry.version] = nil
        return keep(key, entry)
    }

    /// Drops a prepared entry the round did not complete.
    public mutating func abandon(_ version: Version) {
        prepared[version] = nil
    }

    /// After a rebuild: what the entries replaced may have been in the lost part of the log, so
    /// offers at or below them are not vouched for (as after restoring an image).
    public mutating func forgetReplacedVersions() {
        for (key, version) in store.digest { forgottenUpTo[key] = max(forgottenUpTo[key] ?? .zero, version) }
    }

    /// The entries with the prepared ones stored too: what an image of this replica must hold.
    public var image: ReplicaStore {
        var image = store
        for (key, entry) in prepared.values { image.store(key, entry) }
        return image
    }
}
