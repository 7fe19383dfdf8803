/// For each origin replica, how many of its items (a prefix of its sequence) someone holds or
/// has seen. A replica *includes* a vector when it holds at least that prefix of every origin.
public struct VersionVector: Sendable, Equatable, Hashable {
    public private(set) var counts: [String: UInt64]

    public init(_ counts: [String: UInt64] = [:]) {
        self.counts = counts.filter { $0.value > 0 }
    }

    public subscript(origin: String) -> UInt64 {
        get { counts[origin] ?? 0 }
        set {
            if newValue == 0 { counts[origin] = nil } else { counts[origin] = newValue }
        }
    }

    public var isEmpty: Bool { counts.isEmpty }

    /// Whether this vector covers every count of `other`.
    public func includes(_ other: VersionVector) -> Bool {
        other.counts.allSatisfy { self[$0.key] >= $0.value }
    }

    /// The element-wise maximum.
    public func merging(_ other: VersionVector) -> VersionVector {
        VersionVector(counts.merging(other.counts, uniquingKeysWith: max))
    }

    /// The session-token form: `origin=count` pairs joined by `&`, origins sorted (readable,
    /// and stable for equal vectors). Origins are replica ids, which never contain `=` or `&`.
    public var token: String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// Parses `token`; nil when it is malformed.
    public init?(token: String) {
        var counts: [String: UInt64] = [:]
        for pair in token.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let count = UInt64(parts[1]) else { return nil }
            counts[String(parts[0]), default: 0] = max(counts[String(parts[0])] ?? 0, count)
        }
        self.init(counts)
    }
}
