public import BulletinCore
public import ReplicatedLog

/// What applying a post or reply to the sequential board gave.
public enum BulletinOutput: Sendable, Equatable, Codable {
    case item(BulletinItem)
    /// A reply whose parent does not exist (definite: nothing was added).
    case parentMissing(Int64)
}

/// The sequential mode's state machine: committed drafts become items with the next id, in log
/// order, on every replica alike.
extension BulletinReplica: ReplicatedStateMachine {
    /// Gives the draft the next id (or returns the item its request id already produced, or
    /// refuses a reply to a missing parent). Deterministic: the id is the board's highest + 1,
    /// the time is the one the proposer stamped.
    public func apply(_ draft: BulletinDraft, index: UInt64) -> BulletinOutput {
        var draft = draft
        if let requestId = draft.requestId, let earlier = read({ $0.item(requestId: requestId) }) { return .item(earlier) }
        if draft.kind == .reply {
            guard let parent = read({ $0.item(draft.parentId) }) else { return .parentMissing(draft.parentId) }
            draft.articleId = parent.articleId
        }
        // Only the log adds items to a sequential board (one apply at a time), so maxID cannot
        // move in between.
        let id = read { $0.maxID } + 1
        let item = draft.item(id: id, origin: "log", seq: UInt64(id))
        apply(item)
        return .item(item)
    }

    /// Only the items added since the last image are read on the log's actor; the earlier ones
    /// are reused already encoded (a copy of the whole board, taken here, cost every post behind
    /// it a pause of tens of milliseconds at 200k posts).
    public func snapshot() -> @Sendable () throws -> [UInt8] {
        let (increment, cache) = imageIncrement()
        return { [weak self] in
            let built = increment.encoded(after: cache.items, itemCount: cache.count)
            let through = increment.items.last?.id ?? cache.through
            self?.keepImage(ImageCache(items: built.items, count: built.itemCount, through: through, generation: cache.generation))
            return built.image
        }
    }

    public func restore(_ data: [UInt8]) throws {
        replace(with: Bulletin(image: try Bulletin.Image(encoded: data)))
    }
}
