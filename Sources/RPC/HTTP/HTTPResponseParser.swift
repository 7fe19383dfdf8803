/// An incremental HTTP/1.1 response parser for the client side.
///
/// Pure: feed bytes, take events. Handles `Content-Length`, chunked bodies (delivered chunk by
/// chunk, so streams can be consumed as they arrive) and bodies delimited by connection close.
public struct HTTPResponseParser: Sendable {
    public struct Head: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        /// Whether the server will keep the connection open after this response.
        public var keepAlive: Bool
    }

    public enum Event: Sendable {
        case head(Head)
        case body([UInt8])
        case end
    }

    public struct ParseError: Error, Sendable { public let message: String }

    enum Phase {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    var buffer: [UInt8] = []
    var position = 0
    var phase = Phase.head
    /// Set for responses to HEAD or other bodiless requests.
    public var expectsNoBody = false

    public init() {}

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// The connection reached end of file: completes a close-delimited body.
    public mutating func finishAtEOF() -> Event? {
        if case .untilClose = phase {
            phase = .done
            return .end
        }
        return nil
    }

    /// Prepares for the next response on the same connection.
    public mutating func reset() {
        phase = .head
        expectsNoBody = false
    }

    public mutating func next() throws(ParseError) -> Event? {
        while true {
            switch phase {
            case .done:
                return nil
            case .head:
                guard let end = findHeadEnd(from: position) else {
                    if buffer.count - position > 64 * 1024 { throw ParseError(message: "response head too large") }
                    return nil
                }
                let (status, http10, headers) = try parseHead(from: position, to: end)
                position = end + 4
                if status >= 100 && status < 200 { continue }
                var keepAlive = !headers.hasToken("close", in: "connection")
                if http10 { keepAlive = headers.hasToken("keep-alive", in: "connection") }
                if expectsNoBody || status == 204 || status == 304 {
                    phase = .fixed(remaining: 0)
                } else if headers.hasToken("chunked", in: "transfer-encoding") {
                    phase = .chunkSize
                } else if let lengthText = headers["content-length"] {
                    guard let length = Int(lengthText), length >= 0 else { throw ParseError(message: "bad content-length") }
                    phase = .fixed(remaining: length)
                } else {
                    phase = .untilClose
                    keepAlive = false
                }
                return .head(Head(status: status, headers: headers, keepAlive: keepAlive))
            case .fixed(let remaining):
                let available = min(remaining, buffer.count - position)
                if remaining == 0 { phase = .done; return .end }
                if available == 0 { return nil }
                let bytes = Array(buffer[position..<(position + available)])
                position += available
                phase = .fixed(remaining: remaining - available)
                return .body(bytes)
            case .chunkSize:
                guard let end = findCRLF(from: position) else { return nil }
                let line = String(decoding: buffer[position..<end], as: UTF8.self)
                position = end + 2
                let sizeText = line.split(separator: ";").first.map(String.init)?.trimmingSpaces() ?? ""
                guard let size = Int(sizeText, radix: 16), size >= 0 else { throw ParseError(message: "bad chunk size") }
                phase = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let available = min(remaining, buffer.count - position)
                if available == 0 { return nil }
                let bytes = Array(buffer[position..<(position + available)])
                position += available
                phase = available == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - available)
                return .body(bytes)
            case .chunkDataEnd:
                guard buffer.count - position >= 2 else { return nil }
                position += 2
                phase = .chunkSize
            case .trailers:
                guard let end = findCRLF(from: position) else { return nil }
                let empty = end == position
                position = end + 2
                if empty { phase = .done; return .end }
            case .untilClose:
                guard position < buffer.count else { return nil }
                let bytes = Array(buffer[position...])
                position = buffer.count
                return .body(bytes)
            }
        }
    }
}
