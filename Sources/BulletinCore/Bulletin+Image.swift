extension Bulletin {
    /// Everything a board holds, in a form that serializes: its items (in id order) and the
    /// request-id memory exactly as it stands (order and position of the ring), so a board
    /// restored from an image answers and evolves exactly like the original.
    package struct Image: Sendable, Codable, Equatable {
        package var items: [BulletinItem]
        package var requestOrder: [String]
        package var requestItems: [Int64]
        package var requestCursor: Int
        package var maxRequests: Int
    }

    package var image: Image {
        Image(items: items.values.sorted { $0.id < $1.id }, requestOrder: requestOrder, requestItems: requestItems,
              requestCursor: requestCursor, maxRequests: maxRequests)
    }

    /// What an image needs beyond items already imaged: the items with ids above `id`, in id
    /// order (the sequential board's ids are dense, so this costs only the new items), and the
    /// request-id ring as it stands (copy-on-write arrays: no copy now).
    package func imageIncrement(after id: Int64) -> Image {
        let newItems = id >= maxID ? [] : ((id + 1)...maxID).compactMap { items[$0] }
        return Image(items: newItems, requestOrder: requestOrder, requestItems: requestItems, requestCursor: requestCursor, maxRequests: maxRequests)
    }

    package init(image: Image) {
        self.init(maxRequests: image.maxRequests)
        for item in image.items { insert(item) }
        requests = [:]
        for (requestId, id) in zip(image.requestOrder, image.requestItems) { requests[requestId] = id }
        requestOrder = image.requestOrder
        requestItems = image.requestItems
        requestCursor = image.requestCursor
    }
}
