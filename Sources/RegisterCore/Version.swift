/// An ABD timestamp: a counter and the id of the node that wrote it. Totally ordered by counter,
/// then writer id, so two different writes never share a version.
package struct Version: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package var counter: UInt64
    package var writer: String

    package init(counter: UInt64, writer: String) {
        self.counter = counter
        self.writer = writer
    }

    /// The version of a key never written.
    package static let zero = Version(counter: 0, writer: "")

    package static func < (a: Version, b: Version) -> Bool {
        (a.counter, a.writer) < (b.counter, b.writer)
    }

    /// The version a coordinator writes after seeing `highest`.
    package func next(by writer: String) -> Version {
        Version(counter: counter + 1, writer: writer)
    }

    /// `counter.writer`, e.g. `42.n2`.
    package var description: String { "\(counter).\(writer)" }
}

/// One key's value at one version; a nil value is a tombstone (a delete).
package struct Entry: Sendable, Hashable, Codable {
    package var version: Version
    package var value: String?

    package init(version: Version, value: String?) {
        self.version = version
        self.value = value
    }
}
