extension HTTPRequestParser {
    /// How the body of a request is delimited.
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// Parses the request line and header fields (without the final empty line).
    func parseHead(_ head: ArraySlice<UInt8>) -> Result<(HTTPRequest, Framing, Bool), HTTPParseError> {
        var lines = head.split(separator: 10, omittingEmptySubsequences: false).makeIterator()
        guard let first = lines.next(), first.last == 13 else { return .failure(.malformedRequestLine) }
        guard let (method, target, minor) = parseRequestLine(first.dropLast()) else {
            return .failure(.malformedRequestLine)
        }
        guard minor >= 0 else { return .failure(.unsupportedVersion) }
        var headers = HTTPHeaders()
        while let rawLine = lines.next() {
            if rawLine.isEmpty { break }
            guard rawLine.last == 13 else { return .failure(.malformedHeader) }
            let line = rawLine.dropLast()
            guard let first = line.first, first != 32, first != 9 else { return .failure(.malformedHeader) }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .failure(.malformedHeader) }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(Self.isTokenByte) else { return .failure(.malformedHeader) }
            var value = line[(colon + 1)...]
            while let b = value.first, b == 32 || b == 9 { value = value.dropFirst() }
            while let b = value.last, b == 32 || b == 9 { value = value.dropLast() }
            guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else { return .failure(.malformedHeader) }
            headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
        if minor == 1 && !headers.contains("host") { return .failure(.missingHost) }

        var framing = Framing.none
        let encodings = headers.values("transfer-encoding")
        let lengths = headers.values("content-length")
        if !encodings.isEmpty {
            guard lengths.isEmpty else { return .failure(.conflictingFraming) }
            let codings = encodings.flatMap { $0.split(separator: ",").map { $0.trimmingSpaces().lowercased() } }
            guard codings == ["chunked"] else { return .failure(.unsupportedTransferEncoding) }
            framing = .chunked
        } else if !lengths.isEmpty {
            let values = lengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() } }
            guard let firstValue = values.first, values.allSatisfy({ $0 == firstValue }) else {
                return .failure(.conflictingFraming)
            }
            guard !firstValue.isEmpty, firstValue.count <= 15, firstValue.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let length = Int(firstValue) else {
                return .failure(.invalidContentLength)
            }
            framing = .length(length)
        }

        var expectsContinue = false
        if let expect = headers["expect"] {
            guard expect.lowercased() == "100-continue" else { return .failure(.unsupportedExpectation) }
            expectsContinue = minor == 1 && framing != .none && framing != .length(0)
        }
        let request = HTTPRequest(method: method, target: target, minorVersion: minor, headers: headers)
        return .success((request, framing, expectsContinue))
    }

    /// `METHOD SP target SP HTTP/1.x`; the version is -1 when it is not 1.0 or 1.1.
    private func parseRequestLine(_ line: ArraySlice<UInt8>) -> (String, String, Int)? {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let method = parts[0]
        let target = parts[1]
        let version = parts[2]
        guard !method.isEmpty, method.allSatisfy(Self.isTokenByte) else { return nil }
        guard let firstTarget = target.first, firstTarget == UInt8(ascii: "/") || firstTarget == UInt8(ascii: "*")
                || target.starts(with: "http://".utf8) else { return nil }
        guard target.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        guard version.count == 8, version.starts(with: "HTTP/".utf8) else { return nil }
        let major = version[version.startIndex + 5]
        let dot = version[version.startIndex + 6]
        let minor = version[version.startIndex + 7]
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
