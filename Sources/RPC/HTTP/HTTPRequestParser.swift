/// An incremental HTTP/1.1 request parser: feed bytes as they arrive, take requests as they complete.
///
/// Pure: no sockets, no clocks. Handles pipelining (several requests in one read), requests split at
/// any byte boundary, `Content-Length` and chunked bodies, and `Expect: 100-continue`.
/// Guarantees: a request is produced only with its whole body, so bytes of one request can never be
/// read as the start of the next; after the first error the parser produces nothing more.
public struct HTTPRequestParser: Sendable {
    /// Size limits; exceeding them yields `.requestLineTooLong` (414), `.headerTooLarge` (431)
    /// or `.bodyTooLarge` (413). The request line has its own, larger limit: a Connect GET
    /// carries its whole message in the URL.
    public struct Limits: Sendable {
        public var maxHeaderBytes: Int
        public var maxBodyBytes: Int
        public var maxRequestLineBytes: Int

        public init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 4 * 1024 * 1024, maxRequestLineBytes: Int = 64 * 1024) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
            self.maxRequestLineBytes = maxRequestLineBytes
        }
    }

    /// What the parser has to say after new bytes.
    public enum Event: Sendable, Equatable {
        case request(HTTPRequest)
        /// The client sent `Expect: 100-continue` and waits for `100 Continue` before the body.
        case continueExpected
        case failed(HTTPParseError)
    }

    enum Phase: Sendable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed
    }

    let limits: Limits
    var buffer: [UInt8] = []
    var position = 0
    var phase: Phase = .head
    var pending: HTTPRequest?
    var body: [UInt8] = []
    var trailerBytes = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Appends bytes received from the connection.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfNeeded()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// `true` when no partial request is buffered (the connection is between requests).
    public var isIdle: Bool {
        if case .head = phase { return position == buffer.count }
        return false
    }

    /// Bytes received but not yet consumed by a complete request.
    public var bufferedByteCount: Int { buffer.count - position }

    /// The next event, or `nil` when more bytes are needed.
    public mutating func next() -> Event? {
        while true {
            switch phase {
            case .failed:
                return nil
            case .head:
                guard let end = findHeadEnd() else {
                    if let error = headOverLimits(end: buffer.count) { return fail(error) }
                    // A head that uses bare LF or CR would never end: refuse it now, not at the timeout.
                    if hasBareLineEnding(from: position) { return fail(.bareLineEnding) }
                    return nil
                }
                if let error = headOverLimits(end: end) { return fail(error) }
                let head = buffer[position..<(end + 2)]
                position = end + 4
                switch parseHead(head) {
                case .failure(let error): return fail(error)
                case .success(let (request, framing, expectsContinue)):
                    pending = request
                    body = []
                    switch framing {
                    case .none:
                        return finish()
                    case .length(let length):
                        if length == 0 { return finish() }
                        if length > limits.maxBodyBytes { return fail(.bodyTooLarge) }
                        body.reserveCapacity(length)
                        phase = .fixedBody(remaining: length)
                    case .chunked:
                        phase = .chunkSize
                        trailerBytes = 0
                    }
                    if expectsContinue && position == buffer.count { return .continueExpected }
                }
            case .fixedBody(let remaining):
                let available = min(remaining, buffer.count - position)
                if available == 0 { return nil }
                body.append(contentsOf: buffer[position..<(position + available)])
                position += available
                if available == remaining { return finish() }
                phase = .fixedBody(remaining: remaining - available)
                return nil
            case .chunkSize:
                guard let lineEnd = findCRLF(from: position) else {
                    if buffer.count - position > 1024 { return fail(.malformedChunk) }
                    if hasBareLineEnding(from: position) { return fail(.bareLineEnding) }
                    return nil
                }
                guard let size = parseChunkSize(buffer[position..<lineEnd]) else { return fail(.malformedChunk) }
                position = lineEnd + 2
                if size == 0 {
                    phase = .trailers
                } else {
                    if body.count + size > limits.maxBodyBytes { return fail(.bodyTooLarge) }
                    phase = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let available = min(remaining, buffer.count - position)
                if available == 0 { return nil }
                body.append(contentsOf: buffer[position..<(position + available)])
                position += available
                if available < remaining {
                    phase = .chunkData(remaining: remaining - available)
                    return nil
                }
                phase = .chunkDataEnd
            case .chunkDataEnd:
                if buffer.count - position < 2 { return nil }
                guard buffer[position] == 13, buffer[position + 1] == 10 else { return fail(.malformedChunk) }
                position += 2
                phase = .chunkSize
            case .trailers:
                guard let lineEnd = findCRLF(from: position) else {
                    if trailerBytes + buffer.count - position > limits.maxHeaderBytes { return fail(.headerTooLarge) }
                    if hasBareLineEnding(from: position) { return fail(.bareLineEnding) }
                    return nil
                }
                let isEnd = lineEnd == position
                trailerBytes += lineEnd - position + 2
                position = lineEnd + 2
                if trailerBytes > limits.maxHeaderBytes { return fail(.headerTooLarge) }
                if isEnd { return finish() }
            }
        }
    }

    private mutating func finish() -> Event {
        phase = .head
        var request = pending ?? HTTPRequest(method: "GET", target: "/")
        request.body = body
        pending = nil
        body = []
        return .request(request)
    }

    private mutating func fail(_ error: HTTPParseError) -> Event {
        phase = .failed
        return .failed(error)
    }

    private mutating func compactIfNeeded() {
        if position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 64 * 1024 && position * 2 > buffer.count {
            buffer.removeFirst(position)
            position = 0
        }
    }

    /// Whether the head so far (from `position` to `end`) breaks the request-line or header limit.
    private func headOverLimits(end: Int) -> HTTPParseError? {
        let lineEnd = buffer[position..<end].firstIndex(of: 10) ?? end
        if lineEnd - position > limits.maxRequestLineBytes { return .requestLineTooLong }
        if end - lineEnd > limits.maxHeaderBytes { return .headerTooLarge }
        return nil
    }

    /// Index of the `\r\n\r\n` that ends the head, skipping empty lines before a request line.
    private mutating func findHeadEnd() -> Int? {
        while buffer.count - position >= 2, buffer[position] == 13, buffer[position + 1] == 10 {
            position += 2
        }
        return buffer.withUnsafeBufferPointer { HTTPSyntax.headEnd($0, from: position) }
    }

    private func hasBareLineEnding(from start: Int) -> Bool {
        buffer.withUnsafeBufferPointer { HTTPSyntax.hasBareLineEnding($0, from: start) }
    }

    private func findCRLF(from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { HTTPSyntax.crlf($0, from: start) }
    }

    private func parseChunkSize(_ line: ArraySlice<UInt8>) -> Int? {
        var size = 0
        var digits = 0
        for byte in line {
            if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { break }
            guard let value = hexValue(byte) else { return nil }
            size = size &* 16 &+ value
            digits += 1
            if digits > 8 { return nil }
        }
        return digits == 0 ? nil : size
    }

    private func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

extension HTTPRequestParser {
    /// `true` while part of a request head is buffered.
    public var isReadingHead: Bool {
        if case .head = phase { return position < buffer.count }
        return false
    }
}
