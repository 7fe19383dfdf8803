/// The bulletin board's state: every item, the article order, reply trees, reply counts, and
/// per-origin progress (what a replica holds of each origin's sequence).
///
/// Guarantees: inserting is idempotent (an id or an origin/seq pair already held is ignored);
/// two boards holding the same items answer every query identically, whatever the insertion
/// order (replies may arrive before their parents).
public struct Bulletin: Sendable {
    struct OriginProgress: Sendable {
        var contiguous: UInt64 = 0
        var above: Set<UInt64> = []
        var maxSeq: UInt64 = 0
        var ids: [UInt64: Int64] = [:]
    }

    public private(set) var items: [Int64: BulletinItem] = [:]
    /// Article ids, ascending.
    public private(set) var articleIDs: [Int64] = []
    var children: [Int64: [Int64]] = [:]
    var replyCounts: [Int64: Int] = [:]
    var progress: [String: OriginProgress] = [:]
    var requests: [String: Int64] = [:]
    var requestOrder: [String] = []
    /// The item of each entry of `requestOrder` (kept alongside, so an image needs no lookups).
    var requestItems: [Int64] = []
    var requestCursor = 0
    let maxRequests: Int
    public private(set) var maxID: Int64 = 0

    public init(maxRequests: Int = 100_000) {
        self.maxRequests = maxRequests
    }

    public var count: Int { items.count }
    public var articleCount: Int { articleIDs.count }

    /// Adds `item`; false when it (or its origin/seq) is already held.
    @discardableResult
    public mutating func insert(_ item: BulletinItem) -> Bool {
        guard items[item.id] == nil, progress[item.origin]?.ids[item.seq] == nil else { return false }
        items[item.id] = item
        maxID = max(maxID, item.id)
        switch item.kind {
        case .article:
            let position = Self.insertionPoint(articleIDs, item.id)
            articleIDs.insert(item.id, at: position)
        case .reply:
            var siblings = children[item.parentId, default: []]
            siblings.insert(item.id, at: Self.insertionPoint(siblings, item.id))
            children[item.parentId] = siblings
            replyCounts[item.articleId, default: 0] += 1
        }
        // Updated in place: a copy taken out and written back copies the origin's whole id table
        // on every insert (it was a quarter of a busy sequential leader's time at 200k posts).
        Self.advance(&progress[item.origin, default: OriginProgress()], with: item)
        if let requestId = item.requestId { remember(requestId, item.id) }
        return true
    }

    static func advance(_ origin: inout OriginProgress, with item: BulletinItem) {
        origin.ids[item.seq] = item.id
        origin.maxSeq = max(origin.maxSeq, item.seq)
        if item.seq == origin.contiguous + 1 {
            origin.contiguous += 1
            while origin.above.remove(origin.contiguous + 1) != nil { origin.contiguous += 1 }
        } else if item.seq > origin.contiguous {
            origin.above.insert(item.seq)
        }
    }

    public func item(_ id: Int64) -> BulletinItem? { items[id] }

    /// The item a request id produced, if it is still remembered.
    public func item(requestId: String) -> BulletinItem? { requests[requestId].flatMap { items[$0] } }

    /// How many items of `origin`'s sequence this board holds as an unbroken prefix.
    public func held(_ origin: String) -> UInt64 { progress[origin]?.contiguous ?? 0 }

    /// The highest sequence number of `origin` held (the next item it accepts takes this + 1).
    public func lastSeq(_ origin: String) -> UInt64 { progress[origin]?.maxSeq ?? 0 }

    /// The unbroken prefix held of every origin.
    public var vector: VersionVector { VersionVector(progress.mapValues(\.contiguous)) }

    mutating func remember(_ requestId: String, _ id: Int64) {
        if requests[requestId] != nil { return }
        if requestOrder.count < maxRequests {
            requestOrder.append(requestId)
            requestItems.append(id)
        } else {
            requests[requestOrder[requestCursor]] = nil
            requestOrder[requestCursor] = requestId
            requestItems[requestCursor] = id
            requestCursor = (requestCursor + 1) % maxRequests
        }
        requests[requestId] = id
    }

    static func insertionPoint(_ sorted: [Int64], _ value: Int64) -> Int {
        if let last = sorted.last, last < value { return sorted.count }
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
