public import RegisterCore

// Conversions between the generated `register.v1` messages and the register's domain values.

extension RegisterV1.Version: Comparable {
    public init(_ version: RegisterCore.Version) {
        self.init(counter: Int64(clamping: version.counter), writerId: version.writer)
    }

    /// The ABD timestamp (a negative counter, which no replica writes, reads as zero).
    public var core: RegisterCore.Version { RegisterCore.Version(counter: UInt64(max(0, counter)), writer: writerId) }

    public static func < (a: Self, b: Self) -> Bool { a.core < b.core }
}

extension RegisterV1.ReplicaEntry {
    /// `entry` nil is "nothing stored" (`found` false); a nil value is a tombstone.
    public init(key: String, entry: Entry?) {
        self.init(key: key)
        guard let entry else { return }
        found = true
        version = RegisterV1.Version(entry.version)
        value = entry.value ?? ""
        tombstone = entry.value == nil
    }

    /// What the message says is stored, nil when not `found`.
    public var entry: Entry? {
        guard found else { return nil }
        return Entry(version: version?.core ?? .zero, value: tombstone ? nil : value)
    }
}

extension RegisterV1.KeyVersion {
    public init(key: String, version: RegisterCore.Version) {
        self.init(key: key, version: RegisterV1.Version(version))
    }
}

extension RegisterV1.OfferAnswer {
    public init(_ answer: OfferRound.Answer) {
        self.init()
        switch answer {
        case .held: held = true
        case .newer(let version): newer = RegisterV1.Version(version)
        case .newerUnvouched(let version): newer = RegisterV1.Version(version); unvouched = true
        case .failed: break
        }
    }

    /// The answer as the round counts it; neither `held` nor `newer` set is no answer at all.
    public var answer: OfferRound.Answer {
        if held { return .held }
        if let newer { return unvouched ? .newerUnvouched(newer.core) : .newer(newer.core) }
        return .failed
    }
}

extension RegisterV1.ReadResponse {
    public init(entry: Entry?) {
        self.init(found: entry?.value != nil, value: entry?.value ?? "", version: entry.map { RegisterV1.Version($0.version) })
    }
}
