/// One parsed HTTP/1.x request with its whole body.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    /// The request target as sent: path plus optional `?query`.
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, minorVersion: Int = 1, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
    }

    /// The target without its query string.
    public var path: Substring {
        if let mark = target.firstIndex(of: "?") { return target[..<mark] }
        return Substring(target)
    }

    /// The raw query string after `?`, if any.
    public var query: Substring? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: mark)...]
    }

    /// Whether the client allows the connection to stay open after this request.
    public var keepAlive: Bool {
        if headers.hasToken("close", in: "connection") { return false }
        if minorVersion == 0 { return headers.hasToken("keep-alive", in: "connection") }
        return true
    }
}
