/// A replica's registers: for each key the entry with the highest version it has stored.
///
/// Pure. Guarantees: `store` keeps an entry only if its version is higher than the stored one,
/// so applying the same entries in any order, any number of times, gives the same store.
public struct ReplicaStore: Sendable, Equatable, Codable {
    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    public func read(_ key: String) -> Entry? { entries[key] }

    public func version(of key: String) -> Version { entries[key]?.version ?? .zero }

    /// Stores `entry` if newer; returns whether it changed anything.
    @discardableResult
    public mutating func store(_ key: String, _ entry: Entry) -> Bool {
        replace(key, with: entry).stored
    }

    /// `store`, also saying which version the key held before (nil: none).
    public mutating func replace(_ key: String, with entry: Entry) -> (stored: Bool, replaced: Version?) {
        let replaced = entries[key]?.version
        guard entry.version > (replaced ?? .zero) else { return (false, replaced) }
        entries[key] = entry
        return (true, replaced)
    }

    /// Every key with its version: what anti-entropy exchanges instead of the values.
    public var digest: [String: Version] { entries.mapValues(\.version) }

    /// Entries this store has that are newer than `digest` says the other side has, including
    /// keys the other side lacks.
    public func newer(than digest: [String: Version]) -> [String: Entry] {
        entries.filter { key, entry in entry.version > (digest[key] ?? .zero) }
    }

    /// Keys for which the other side (by its digest) has a newer version than this store.
    public func behind(_ digest: [String: Version]) -> [String] {
        digest.compactMap { key, version in version > self.version(of: key) ? key : nil }.sorted()
    }

    public var count: Int { entries.count }
}
