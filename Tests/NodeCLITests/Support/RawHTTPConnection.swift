import Foundation

/// A blocking TCP connection for tests that need to send exact bytes.
final class RawHTTPConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    /// A response as read off the wire.
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    init(_ address: String) throws {
        let parts = address.split(separator: ":")
        guard let portText = parts.last, let port = UInt16(portText) else { throw ProcessError("bad address \(address)") }
        let ipv6 = address.hasPrefix("[")
        fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc: Int32
        if ipv6 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            inet_pton(AF_INET6, "::1", &sin6.sin6_addr)
            rc = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr)
            rc = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard rc == 0 else { throw ProcessError("connect to \(address) failed: errno \(errno)") }
    }

    deinit { close(fd) }

    /// Sends everything; false if the connection failed first (reset, broken pipe).
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Why the last read returned nothing: the server closed (or reset) the connection, or the
    /// 10 s receive timeout passed.
    private(set) var lastReadEnded: (closed: Bool, timedOut: Bool) = (false, false)

    /// Reads more bytes; false at end of stream (or timeout).
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else {
            let timedOut = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
            lastReadEnded = (closed: !timedOut, timedOut: timedOut)
            return false
        }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response (Content-Length or chunked bodies); nil if the server closed first.
    func readResponse() -> Response? {
        var headEnd: Int?
        while headEnd == nil {
            if let range = findCRLFCRLF() { headEnd = range } else if !fill() { return nil }
        }
        guard let end = headEnd else { return nil }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if status == 100 { return Response(status: 100, headers: headers, body: []) }
        if headers["transfer-encoding"] == "chunked" {
            var body: [UInt8] = []
            while true {
                guard let line = readLine(), let size = Int(line, radix: 16) else { return nil }
                while buffer.count < size + 2 { if !fill() { return nil } }
                body.append(contentsOf: buffer[0..<size])
                buffer.removeFirst(size + 2)
                if size == 0 { return Response(status: status, headers: headers, body: body) }
            }
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { if !fill() { return nil } }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }

    /// Closes the sending side (the server reads end of file after what was sent).
    func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

    /// Everything the server sends until it closes; `closed` is false if the 10 s receive
    /// timeout passed first.
    func readUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        while fill() {}
        defer { buffer = [] }
        return (buffer, lastReadEnded.closed)
    }

    /// True when the server has closed the connection (reads end of stream or a reset); false
    /// when bytes arrive instead or nothing happens for 10 s.
    func isClosedByServer() -> Bool {
        buffer.isEmpty && !fill() && lastReadEnded.closed
    }

    private func readLine() -> String? {
        while true {
            if let index = buffer.indices.dropLast().first(where: { buffer[$0] == 13 && buffer[$0 + 1] == 10 }) {
                let line = String(decoding: buffer[0..<index], as: UTF8.self)
                buffer.removeFirst(index + 2)
                return line
            }
            if !fill() { return nil }
        }
    }

    private func findCRLFCRLF() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}
