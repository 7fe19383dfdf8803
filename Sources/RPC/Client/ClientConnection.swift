import CNodeSystem

#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a server, used by one task at a time.
///
/// A value: a pool hands it to one caller and takes it back, so it never needs a lock.
struct ClientConnection: Sendable {
    /// A complete response read off the connection.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var keepAlive: Bool
    }

    /// Failures on the connection, with whether any response byte had arrived.
    struct Failure: Error {
        let message: String
        let receivedResponseBytes: Bool
    }

    let socket: Socket
    let loop: EventLoop
    var parser = HTTPResponseParser()
    var lastUsed = ContinuousClock.now
    /// Whether this connection already carried a request (a reused connection may be stale).
    var reused = false

    /// Connects (non-blocking) to `address`.
    static func open(to address: SocketAddress, loop: EventLoop = .next(), deadline: ContinuousClock.Instant? = nil) async throws -> ClientConnection {
        let (socket, connected) = try Socket.connect(to: address)
        do {
            try loop.register(socket)
            if !connected {
                try await loop.writable(socket, deadline: deadline)
                let error = socket.pendingError()
                guard error == 0 else { throw SocketError("connect \(address)", errno: error) }
            }
        } catch {
            loop.deregister(socket)
            socket.close()
            throw error
        }
        return ClientConnection(socket: socket, loop: loop)
    }

    /// `true` when the server has closed this idle connection (or sent something unexpected).
    func isStale() -> Bool {
        var byte: UInt8 = 0
        let n = recv(socket.fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if n == 0 { return true }
        if n > 0 { return true }
        return errno != EAGAIN && errno != EWOULDBLOCK
    }

    func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant? = nil) async throws {
        var offset = 0
        while offset < bytes.count {
            let result = try bytes.withUnsafeBytes { raw in
                try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            switch result {
            case .bytes(let count): offset += count
            case .wouldBlock: try await loop.writable(socket, deadline: deadline)
            case .endOfFile: throw Failure(message: "connection closed while sending", receivedResponseBytes: false)
            }
        }
    }

    /// The next parser event, reading from the socket as needed.
    mutating func nextEvent(received: inout Bool, deadline: ContinuousClock.Instant? = nil) async throws -> HTTPResponseParser.Event {
        while true {
            do {
                if let event = try parser.next() { return event }
            } catch {
                throw Failure(message: "malformed response: \(error.message)", receivedResponseBytes: true)
            }
            // Read into stack space: no heap buffer to allocate and zero per call.
            let result = try withUnsafeTemporaryAllocation(byteCount: 16 * 1024, alignment: 1) { chunk in
                let result = try socket.read(into: chunk)
                if case .bytes(let count) = result { parser.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count])) }
                return result
            }
            switch result {
            case .bytes:
                received = true
            case .wouldBlock:
                try await loop.readable(socket, deadline: deadline)
            case .endOfFile:
                if let event = parser.finishAtEOF() { return event }
                throw Failure(message: "connection closed by the server", receivedResponseBytes: received)
            }
        }
    }

    /// Sends a request and reads its whole response.
    mutating func exchange(_ request: [UInt8], deadline: ContinuousClock.Instant? = nil) async throws -> Response {
        parser.reset()
        try await send(request, deadline: deadline)
        // The reply cannot be there yet: wait for it instead of spending a read that finds nothing.
        try await loop.readable(socket, deadline: deadline)
        var received = false
        var head: HTTPResponseParser.Head?
        var body: [UInt8] = []
        while true {
            switch try await nextEvent(received: &received, deadline: deadline) {
            case .head(let h): head = h
            case .body(let bytes): body.append(contentsOf: bytes)
            case .end:
                guard let head else { throw Failure(message: "response without a head", receivedResponseBytes: true) }
                reused = true
                lastUsed = .now
                return Response(status: head.status, headers: head.headers, body: body, keepAlive: head.keepAlive)
            }
        }
    }

    func close() {
        loop.deregister(socket)
        socket.close()
    }
}
