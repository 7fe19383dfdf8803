extension HTTPResponseParser {
    /// Index of the `\r\n\r\n` that ends the head starting at `start`.
    func findHeadEnd(from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { HTTPSyntax.headEnd($0, from: start) }
    }

    /// Index of the `\r\n` at or after `start`.
    func findCRLF(from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { HTTPSyntax.crlf($0, from: start) }
    }

    /// Parses the status line and header fields in `buffer[start..<end]` (`end`: the final
    /// `\r\n\r\n`), straight from the bytes: one string per header name and value, nothing else.
    /// Lines without a colon are skipped, as before; names are stored lower-cased.
    func parseHead(from start: Int, to end: Int) throws(ParseError) -> (status: Int, http10: Bool, headers: HTTPHeaders) {
        let parsed = buffer.withUnsafeBufferPointer { bytes -> (Int, Bool, HTTPHeaders)? in
            var lineEnd = HTTPSyntax.crlf(bytes, from: start, to: end) ?? end
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
                lineEnd = HTTPSyntax.crlf(bytes, from: lineStart, to: end) ?? end
                defer { lineStart = lineEnd + 2 }
                var colon = lineStart
                while colon < lineEnd && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
                guard colon < lineEnd else { continue }
                let valueRange = HTTPSyntax.trimmingWhitespace(bytes, (colon + 1)..<lineEnd)
                headers.add(String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<colon]), as: UTF8.self),
                            String(decoding: UnsafeBufferPointer(rebasing: bytes[valueRange]), as: UTF8.self))
            }
            return (status, http10, headers)
        }
        guard let parsed else { throw ParseError(message: "malformed status line") }
        return parsed
    }
}
