extension Bulletin {
    /// Everything a board holds, in a form that serializes: its items (in id order) and the
    /// request-id memory exactly as it stands (order and position of the ring), so a board
    /// restored from an image answers and evolves exactly like the original.
    public struct Image: Sendable, Codable, Equatable {
        public var items: [BulletinItem]
        public var requestOrder: [String]
        public var requestItems: [Int64]
        public var requestCursor: Int
        public var maxRequests: Int
    }

    public var image: Image {
        Image(items: items.values.sorted { $0.id < $1.id }, requestOrder: requestOrder, requestItems: requestItems,
              requestCursor: requestCursor, maxRequests: maxRequests)
    }

    /// What an image needs beyond items already imaged: the items with ids above `id`, in id
    /// order (the sequential board's ids are dense, so this costs only the new items), and the
    /// request-id ring as it stands (copy-on-write arrays: no copy now).
    public func imageIncrement(after id: Int64) -> Image {
        let newItems = id >= maxID ? [] : ((id + 1)...maxID).compactMap { items[$0] }
        return Image(items: newItems, requestOrder: requestOrder, requestItems: requestItems, requestCursor: requestCursor, maxRequests: maxRequests)
    }

    /// An image holding `items` (in the order given) and the request-id ring as it stands: what
    /// an image needs beyond items whose encoding is already at hand. Restoring does not depend
    /// on the items' order.
    public func image(of items: [BulletinItem]) -> Image {
        Image(items: items, requestOrder: requestOrder, requestItems: requestItems, requestCursor: requestCursor, maxRequests: maxRequests)
    }

    public init(image: Image) {
        self.init(maxRequests: image.maxRequests)
        for item in image.items { insert(item) }
        requests = [:]
        for (requestId, id) in zip(image.requestOrder, image.requestItems) { requests[requestId] = id }
        requestOrder = image.requestOrder
        requestItems = image.requestItems
        requestCursor = image.requestCursor
    }
}
