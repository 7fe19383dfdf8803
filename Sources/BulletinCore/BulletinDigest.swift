/// What a replica holds, compactly: per origin, the unbroken prefix and the sequence numbers
/// held beyond it. Anti-entropy sends a digest; the peer answers with what the digest lacks.
public struct BulletinDigest: Sendable, Equatable {
    public struct Origin: Sendable, Equatable {
        public var contiguous: UInt64
        public var above: [UInt64]

        public init(contiguous: UInt64, above: [UInt64] = []) {
            self.contiguous = contiguous
            self.above = above
        }
    }

    public var origins: [String: Origin]

    public init(origins: [String: Origin] = [:]) {
        self.origins = origins
    }
}

extension Bulletin {
    public var digest: BulletinDigest {
        BulletinDigest(origins: progress.mapValues { BulletinDigest.Origin(contiguous: $0.contiguous, above: $0.above.sorted()) })
    }

    /// The items held here that `digest` lacks (at most `limit`, in origin then sequence order).
    public func missing(from digest: BulletinDigest, limit: Int = .max) -> [BulletinItem] {
        var out: [BulletinItem] = []
        for (name, origin) in progress.sorted(by: { $0.key < $1.key }) {
            let theirs = digest.origins[name] ?? BulletinDigest.Origin(contiguous: 0)
            let extra = Set(theirs.above)
            guard origin.maxSeq > theirs.contiguous else { continue }
            for seq in (theirs.contiguous + 1)...origin.maxSeq where !extra.contains(seq) {
                guard let id = origin.ids[seq], let item = items[id] else { continue }
                out.append(item)
                if out.count >= limit { return out }
            }
        }
        return out
    }
}
