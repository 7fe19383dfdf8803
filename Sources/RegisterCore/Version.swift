/// An ABD timestamp: a counter and the id of the node that wrote it. Totally ordered by counter,
/// then writer id, so two different writes never share a version.
public struct Version: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var counter: UInt64
    public var writer: String

    public init(counter: UInt64, writer: String) {
        self.counter = counter
        self.writer = writer
    }

    /// The version of a key never written.
    public static let zero = Version(counter: 0, writer: "")

    public static func < (a: Version, b: Version) -> Bool {
        (a.counter, a.writer) < (b.counter, b.writer)
    }

    /// The version a coordinator writes after seeing `highest`.
    public func next(by writer: String) -> Version {
        Version(counter: counter + 1, writer: writer)
    }

    /// `counter.writer`, e.g. `42.n2`.
    public var description: String { "\(counter).\(writer)" }
}

/// One key's value at one version; a nil value is a tombstone (a delete).
public struct Entry: Sendable, Hashable, Codable {
    public var version: Version
    public var value: String?

    public init(version: Version, value: String?) {
        self.version = version
        self.value = value
    }
}
