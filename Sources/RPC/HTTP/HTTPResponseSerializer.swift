/// Turns a response head (and a complete body) into wire bytes.
public enum HTTPResponseSerializer {
    /// Serializes status line and headers; adds `Content-Length` or `Transfer-Encoding: chunked`
    /// and `Connection: close` when `keepAlive` is false.
    public static func head(_ response: HTTPResponse, keepAlive: Bool, minorVersion: Int = 1) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: "HTTP/1.\(minorVersion) \(response.status.code) \(response.status.reason)\r\n".utf8)
        for (name, value) in response.headers where name != "content-length" && name != "transfer-encoding" && name != "connection" {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        switch response.body {
        case .bytes(let body):
            out.append(contentsOf: "content-length: \(body.count)\r\n".utf8)
        case .stream:
            out.append(contentsOf: "transfer-encoding: chunked\r\n".utf8)
        }
        if !keepAlive {
            out.append(contentsOf: "connection: close\r\n".utf8)
        } else if minorVersion == 0 {
            out.append(contentsOf: "connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        return out
    }

    /// Head and body in one buffer, so a small response is one `write`.
    public static func serialize(_ response: HTTPResponse, keepAlive: Bool, minorVersion: Int = 1, includeBody: Bool = true) -> [UInt8] {
        var out = head(response, keepAlive: keepAlive, minorVersion: minorVersion)
        if includeBody { out.append(contentsOf: response.bodyBytes) }
        return out
    }

    /// One chunk of a chunked body; an empty chunk is the terminator.
    public static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        var out = Array(String(bytes.count, radix: 16).utf8)
        out.append(contentsOf: [13, 10])
        out.append(contentsOf: bytes)
        out.append(contentsOf: [13, 10])
        return out
    }
}
