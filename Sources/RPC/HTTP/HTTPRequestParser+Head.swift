extension HTTPRequestParser {
    /// How the body of a request is delimited.
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// Parses the request line and header fields (without the final empty line), straight from
    /// the bytes: one string per header name and value, framing headers read as they go by.
    func parseHead(_ head: ArraySlice<UInt8>) -> Result<(HTTPRequest, Framing, Bool), HTTPParseError> {
        head.withUnsafeBufferPointer { bytes in
            guard let firstEnd = bytes.firstIndex(of: 10), firstEnd > 0, bytes[firstEnd - 1] == 13 else {
                return .failure(.malformedRequestLine)
            }
            guard let (method, target, minor) = parseRequestLine(UnsafeBufferPointer(rebasing: bytes[..<(firstEnd - 1)])) else {
                return .failure(.malformedRequestLine)
            }
            guard minor >= 0 else { return .failure(.unsupportedVersion) }
            var headers = HTTPHeaders()
            var sawHost = false
            var encodings: [String] = []
            var lengths: [String] = []
            var expect: String?
            var lineStart = firstEnd + 1
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != 10 { lineEnd += 1 }
                if lineEnd == lineStart { break }
                guard lineEnd < bytes.count, bytes[lineEnd - 1] == 13 else { return .failure(.malformedHeader) }
                let contentEnd = lineEnd - 1
                let first = bytes[lineStart]
                guard lineStart < contentEnd, first != 32, first != 9 else { return .failure(.malformedHeader) }
                var colon = lineStart
                while colon < contentEnd && bytes[colon] != UInt8(ascii: ":") {
                    guard Self.isTokenByte(bytes[colon]) else { return .failure(.malformedHeader) }
                    colon += 1
                }
                guard colon < contentEnd, colon > lineStart else { return .failure(.malformedHeader) }
                let valueRange = HTTPSyntax.trimmingWhitespace(bytes, (colon + 1)..<contentEnd)
                for i in valueRange {
                    let byte = bytes[i]
                    guard byte == 9 || (byte >= 32 && byte != 127) else { return .failure(.malformedHeader) }
                }
                let name = HTTPHeaders.lowercased(String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<colon]), as: UTF8.self))
                let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[valueRange]), as: UTF8.self)
                switch name {
                case "host": sawHost = true
                case "content-length": lengths.append(value)
                case "transfer-encoding": encodings.append(value)
                case "expect": if expect == nil { expect = value }
                default: break
                }
                headers.add(name, value)
                lineStart = lineEnd + 1
            }
            if minor == 1 && !sawHost { return .failure(.missingHost) }
            let framing: Framing
            switch Self.framing(encodings: encodings, lengths: lengths) {
            case .success(let found): framing = found
            case .failure(let error): return .failure(error)
            }
            var expectsContinue = false
            if let expect {
                guard expect.lowercased() == "100-continue" else { return .failure(.unsupportedExpectation) }
                expectsContinue = minor == 1 && framing != .none && framing != .length(0)
            }
            let request = HTTPRequest(method: method, target: target, minorVersion: minor, headers: headers)
            return .success((request, framing, expectsContinue))
        }
    }

    /// The body's framing from every `Transfer-Encoding` and `Content-Length` value.
    private static func framing(encodings: [String], lengths: [String]) -> Result<Framing, HTTPParseError> {
        if !encodings.isEmpty {
            guard lengths.isEmpty else { return .failure(.conflictingFraming) }
            let codings = encodings.flatMap { $0.split(separator: ",").map { $0.trimmingSpaces().lowercased() } }
            guard codings == ["chunked"] else { return .failure(.unsupportedTransferEncoding) }
            return .success(.chunked)
        }
        guard !lengths.isEmpty else { return .success(.none) }
        let values = lengths.count == 1 && !lengths[0].utf8.contains(UInt8(ascii: ","))
            ? lengths
            : lengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() } }
        guard let firstValue = values.first, values.allSatisfy({ $0 == firstValue }) else {
            return .failure(.conflictingFraming)
        }
        guard !firstValue.isEmpty, firstValue.utf8.count <= 15, firstValue.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let length = Int(firstValue) else {
            return .failure(.invalidContentLength)
        }
        return .success(.length(length))
    }

    /// `METHOD SP target SP HTTP/1.x`; the version is -1 when it is not 1.0 or 1.1.
    private func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) -> (String, String, Int)? {
        guard let firstSpace = line.firstIndex(of: 32) else { return nil }
        var secondSpace = firstSpace + 1
        while secondSpace < line.count && line[secondSpace] != 32 { secondSpace += 1 }
        guard secondSpace < line.count else { return nil }
        let method = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        let version = UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...])
        guard !method.isEmpty, method.allSatisfy(Self.isTokenByte) else { return nil }
        guard let firstTarget = target.first, firstTarget == UInt8(ascii: "/") || firstTarget == UInt8(ascii: "*")
                || target.starts(with: "http://".utf8) else { return nil }
        guard target.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        guard version.count == 8, version.starts(with: "HTTP/".utf8) else { return nil }
        let major = version[5]
        let dot = version[6]
        let minor = version[7]
        guard dot == UInt8(ascii: "."), (48...57).contains(major), (48...57).contains(minor) else { return nil }
        var targetText = String(decoding: target, as: UTF8.self)
        if targetText.hasPrefix("http://") {
            let afterScheme = targetText.dropFirst(7)
            targetText = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        }
        let supported = major == UInt8(ascii: "1") && (minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1"))
        return (String(decoding: method, as: UTF8.self), targetText, supported ? Int(minor - 48) : -1)
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
