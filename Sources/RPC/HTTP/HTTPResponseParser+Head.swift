extension HTTPResponseParser {
    /// Index of the `\r\n\r\n` that ends the head starting at `start`.
    func findHeadEnd(from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { bytes -> Int? in
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
    }

    /// Parses the status line and header fields in `buffer[start..<end]` (`end`: the final
    /// `\r\n\r\n`), straight from the bytes: one string per header name and value, nothing else.
    /// Lines without a colon are skipped, as before; names are stored lower-cased.
    func parseHead(from start: Int, to end: Int) throws(ParseError) -> (status: Int, http10: Bool, headers: HTTPHeaders) {
        let parsed = buffer.withUnsafeBufferPointer { bytes -> (Int, Bool, HTTPHeaders)? in
            var lineEnd = Self.lineEnd(bytes, from: start, to: end)
            // "HTTP/1." digit SP status-code [SP reason]
            let prefix: StaticString = "HTTP/1."
            guard lineEnd - start >= prefix.utf8CodeUnitCount + 1 else { return nil }
            for offset in 0..<prefix.utf8CodeUnitCount where bytes[start + offset] != prefix.utf8Start[offset] { return nil }
            let http10 = bytes[start + 7] == UInt8(ascii: "0")
            var i = start + 8
            while i < lineEnd && bytes[i] != 32 { i += 1 }
            while i < lineEnd && bytes[i] == 32 { i += 1 }
            var status = 0
            var digits = 0
            while i < lineEnd, bytes[i] != 32 {
                let byte = bytes[i]
                guard byte >= 48 && byte <= 57, digits < 3 else { return nil }
                status = status * 10 + Int(byte - 48)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            var headers = HTTPHeaders()
            var lineStart = lineEnd + 2
            while lineStart < end {
                lineEnd = Self.lineEnd(bytes, from: lineStart, to: end)
                defer { lineStart = lineEnd + 2 }
                var colon = lineStart
                while colon < lineEnd && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
                guard colon < lineEnd else { continue }
                var valueStart = colon + 1
                var valueEnd = lineEnd
                while valueStart < valueEnd && (bytes[valueStart] == 32 || bytes[valueStart] == 9) { valueStart += 1 }
                while valueEnd > valueStart && (bytes[valueEnd - 1] == 32 || bytes[valueEnd - 1] == 9) { valueEnd -= 1 }
                headers.add(String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<colon]), as: UTF8.self),
                            String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self))
            }
            return (status, http10, headers)
        }
        guard let parsed else { throw ParseError(message: "malformed status line") }
        return parsed
    }

    /// Where the line starting at `start` ends: its `\r\n`, or `end`.
    private static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var i = start
        while i + 1 < end {
            if bytes[i] == 13 && bytes[i + 1] == 10 { return i }
            i += 1
        }
        return end
    }
}
