/// What a replica holds, compactly: per origin, the unbroken prefix and the sequence numbers
/// held beyond it. Anti-entropy sends a digest; the peer answers with what the digest lacks.
package struct BulletinDigest: Sendable, Equatable {
    package struct Origin: Sendable, Equatable {
        package var contiguous: UInt64
        package var above: [UInt64]

        package init(contiguous: UInt64, above: [UInt64] = []) {
            self.contiguous = contiguous
            self.above = above
        }
    }

    package var origins: [String: Origin]

    package init(origins: [String: Origin] = [:]) {
        self.origins = origins
    }
}

extension Bulletin {
    package var digest: BulletinDigest {
        BulletinDigest(origins: progress.mapValues { BulletinDigest.Origin(contiguous: $0.contiguous, above: $0.above.sorted()) })
    }

    /// The items held here that `digest` lacks (at most `limit`, in origin then sequence order).
    package func missing(from digest: BulletinDigest, limit: Int = .max) -> [BulletinItem] {
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
