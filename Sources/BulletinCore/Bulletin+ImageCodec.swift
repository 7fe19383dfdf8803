extension Bulletin.Image {
    /// A compact binary form (the JSON form took 45 s to read back at 200k posts; this one a
    /// fraction of a second): magic "BRD1", then little-endian fixed-width integers and
    /// length-prefixed UTF-8 strings, items in id order, then the request-id ring.
    public func encoded() -> [UInt8] {
        var writer = ImageWriter()
        writer.bytes(header(itemCount: items.count))
        writer.bytes(Self.encodedItems(items))
        writer.bytes(encodedRing())
        return writer.out
    }

    /// An image built from the encoded items of an earlier image plus this image's (newer) items
    /// and ring: `encodedItems` holds `itemCount` items. Returns the image and the encoded items
    /// it now holds, for the next increment.
    public func encoded(after encodedItems: [UInt8], itemCount: Int) -> (image: [UInt8], items: [UInt8], itemCount: Int) {
        var allItems = encodedItems
        allItems.append(contentsOf: Self.encodedItems(items))
        let count = itemCount + items.count
        var out = header(itemCount: count)
        out.reserveCapacity(out.count + allItems.count + requestOrder.count * 24)
        out.append(contentsOf: allItems)
        out.append(contentsOf: encodedRing())
        return (out, allItems, count)
    }

    func header(itemCount: Int) -> [UInt8] {
        var writer = ImageWriter()
        writer.bytes(Self.magic)
        writer.int(Int64(maxRequests))
        writer.int(Int64(requestCursor))
        writer.int(Int64(itemCount))
        return writer.out
    }

    static func encodedItems(_ items: [BulletinItem]) -> [UInt8] {
        var writer = ImageWriter()
        for item in items {
            writer.int(item.id)
            writer.byte(item.kind == .article ? 0 : 1)
            writer.int(item.parentId)
            writer.int(item.articleId)
            writer.string(item.author)
            writer.string(item.title)
            writer.string(item.body)
            writer.int(item.createdAtMs)
            writer.string(item.origin)
            writer.int(Int64(bitPattern: item.seq))
            writer.optionalString(item.requestId)
        }
        return writer.out
    }

    func encodedRing() -> [UInt8] {
        var writer = ImageWriter()
        writer.int(Int64(requestOrder.count))
        for (requestId, item) in zip(requestOrder, requestItems) {
            writer.string(requestId)
            writer.int(item)
        }
        return writer.out
    }

    public init(encoded bytes: [UInt8]) throws(ImageError) {
        var reader = ImageReader(bytes: bytes)
        guard try reader.bytes(4) == Self.magic else { throw ImageError("not a board image") }
        maxRequests = Int(try reader.int())
        requestCursor = Int(try reader.int())
        let count = try reader.count()
        var items: [BulletinItem] = []
        items.reserveCapacity(count)
        for _ in 0..<count {
            let id = try reader.int()
            let kind: BulletinItem.Kind = try reader.byte() == 0 ? .article : .reply
            let parentId = try reader.int()
            let articleId = try reader.int()
            let author = try reader.string()
            let title = try reader.string()
            let body = try reader.string()
            let createdAtMs = try reader.int()
            let origin = try reader.string()
            let seq = UInt64(bitPattern: try reader.int())
            let requestId = try reader.optionalString()
            items.append(BulletinItem(id: id, kind: kind, parentId: parentId, articleId: articleId, author: author, title: title, body: body,
                                   createdAtMs: createdAtMs, origin: origin, seq: seq, requestId: requestId))
        }
        self.items = items
        let requests = try reader.count()
        var order: [String] = []
        var ids: [Int64] = []
        order.reserveCapacity(requests)
        ids.reserveCapacity(requests)
        for _ in 0..<requests {
            order.append(try reader.string())
            ids.append(try reader.int())
        }
        requestOrder = order
        requestItems = ids
        guard reader.atEnd else { throw ImageError("trailing bytes after the board image") }
    }

    static let magic: [UInt8] = Array("BRD1".utf8)

    /// A board image that cannot be read.
    public struct ImageError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    struct ImageWriter {
        var out: [UInt8] = []

        mutating func bytes(_ bytes: [UInt8]) { out.append(contentsOf: bytes) }
        mutating func byte(_ byte: UInt8) { out.append(byte) }
        mutating func int(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }

        mutating func string(_ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                int(Int64(utf8.count))
                out.append(contentsOf: utf8)
            }
        }

        mutating func optionalString(_ text: String?) {
            guard let text else { return byte(0) }
            byte(1)
            string(text)
        }
    }

    struct ImageReader {
        let bytes: [UInt8]
        var position = 0

        var atEnd: Bool { position == bytes.count }

        mutating func bytes(_ count: Int) throws(ImageError) -> [UInt8] {
            guard count >= 0, bytes.count - position >= count else { throw ImageError("the board image is cut short") }
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }

        mutating func byte() throws(ImageError) -> UInt8 {
            guard position < bytes.count else { throw ImageError("the board image is cut short") }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func int() throws(ImageError) -> Int64 {
            guard bytes.count - position >= 8 else { throw ImageError("the board image is cut short") }
            var value: UInt64 = 0
            for offset in 0..<8 { value |= UInt64(bytes[position + offset]) << (8 * UInt64(offset)) }
            position += 8
            return Int64(bitPattern: value)
        }

        /// A count that must fit in what is left (each element takes at least one byte).
        mutating func count() throws(ImageError) -> Int {
            let value = try int()
            guard value >= 0, value <= Int64(bytes.count - position) else { throw ImageError("a count in the board image is impossible") }
            return Int(value)
        }

        mutating func string() throws(ImageError) -> String {
            let length = try count()
            defer { position += length }
            return String(decoding: bytes[position..<(position + length)], as: UTF8.self)
        }

        mutating func optionalString() throws(ImageError) -> String? {
            try byte() == 0 ? nil : try string()
        }
    }
}
