/// Byte-level pieces of HTTP/1.1 message syntax shared by the request and response parsers:
/// finding line and head ends, trimming optional whitespace. Pure functions over buffers.
enum HTTPSyntax {
    /// Index of the `\r\n\r\n` that ends a head, searching from `start`.
    static func headEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        while i + 3 < bytes.count {
            // Look at the byte that would be the final LF: anything but CR or LF skips four.
            let last = bytes[i + 3]
            if last != 10 {
                i += last == 13 ? 1 : 4
                continue
            }
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 { return i }
            i += 1
        }
        return nil
    }

    /// Index of the first `\r\n` in `bytes[start..<end]`, or nil.
    static func crlf(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int? = nil) -> Int? {
        let end = end ?? bytes.count
        var i = start
        while i + 1 < end {
            if bytes[i] == 13 && bytes[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Whether `bytes[start..<end]` holds a line ending other than CRLF: an LF not after a CR, or
    /// a CR followed by anything but LF (a CR in the last byte may still get its LF).
    static func hasBareLineEnding(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int? = nil) -> Bool {
        let end = end ?? bytes.count
        var i = start
        while i < end {
            let byte = bytes[i]
            if byte == 10, i == start || bytes[i - 1] != 13 { return true }
            if byte == 13, i + 1 < end, bytes[i + 1] != 10 { return true }
            i += 1
        }
        return false
    }

    /// `range` without leading and trailing spaces and tabs (HTTP's optional whitespace).
    static func trimmingWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end && (bytes[start] == 32 || bytes[start] == 9) { start += 1 }
        while end > start && (bytes[end - 1] == 32 || bytes[end - 1] == 9) { end -= 1 }
        return start..<end
    }
}
