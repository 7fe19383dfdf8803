/// Durable state found damaged at recovery: acknowledged data is missing or unreadable (a record
/// that fails its checksum with intact records after it, a missing segment, a corrupt snapshot).
///
/// A replica whose log reports damage must not vote or answer with that state until it has
/// rebuilt what was lost from its peers; the log remembers the damage (a `DAMAGED` file in its
/// directory) until `WriteAheadLog.markRebuilt()`, so a crash during the rebuild does not forget it.
public struct StorageDamage: Sendable, Equatable, CustomStringConvertible {
    /// The damaged file.
    public var file: String
    /// Where in it the damage starts, when known.
    public var offset: Int?
    public var reason: String

    public init(file: String, offset: Int?, reason: String) {
        self.file = file
        self.offset = offset
        self.reason = reason
    }

    public var description: String { file + (offset.map { " at offset \($0)" } ?? "") + ": " + reason }
}
