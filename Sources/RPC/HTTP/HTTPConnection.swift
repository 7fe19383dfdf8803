/// Serves one accepted connection: read, parse, respond, in order, until either side closes.
struct HTTPConnection: Sendable {
    let id: Int
    let socket: Socket
    let peer: SocketAddress?
    let server: HTTPServer
    let loop: EventLoop

    private static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    func run() async {
        // Used only between a read and the parser's copy of its bytes (no suspension in between),
        // on this connection's loop thread, or a private buffer on any other thread.
        var own: UnsafeMutableRawBufferPointer?
        defer {
            own?.deallocate()
            server.connections.remove(id)
            loop.deregister(socket)
            socket.close()
            server.metrics.connectionClosed()
        }
        do {
            try await serve {
                if EventLoop.current === loop { return loop.scratch }
                if let own { return own }
                let allocated = UnsafeMutableRawBufferPointer.allocate(byteCount: EventLoop.scratchBytes, alignment: 16)
                own = allocated
                return allocated
            }
        } catch is CancellationError {
            return
        } catch {
            server.logger.debug("connection closed on error", [("peer", "\(peer.map(\.description) ?? "?")"), ("error", "\(error)")])
        }
    }

    private func serve(buffer readBuffer: () -> UnsafeMutableRawBufferPointer) async throws {
        var parser = HTTPRequestParser(limits: server.configuration.limits)
        var phase = ConnectionRegistry.Phase.fresh
        var responded = false
        var drained = true
        func enter(_ next: ConnectionRegistry.Phase) -> Bool {
            guard next != phase else { return server.connections.isDraining }
            phase = next
            return server.connections.set(id, next)
        }
        while true {
            while let event = parser.next() {
                switch event {
                case .continueExpected:
                    // In the registry before the client can react: draining must not take it for idle.
                    _ = enter(.readingBody)
                    try await write(Self.continueBytes)
                case .failed(let error):
                    server.metrics.recordHTTPStatus(error.status.code)
                    server.logger.debug("bad request", [("peer", "\(peer.map(\.description) ?? "?")"), ("error", error.message)])
                    let response = HTTPResponse.text(error.status, error.message)
                    _ = enter(.writing)
                    try await write(HTTPResponseSerializer.serialize(response, keepAlive: false))
                    await lingerBeforeClosing(buffer: readBuffer)
                    return
                case .request(let request):
                    _ = enter(.handling)
                    let response = await server.responder.respond(to: request, peer: peer)
                    let draining = enter(.writing)
                    let keepAlive = request.keepAlive && !draining && !server.isShuttingDown
                    try await send(response, for: request, keepAlive: keepAlive)
                    responded = true
                    if !keepAlive {
                        socket.shutdownBoth()
                        return
                    }
                }
            }
            let next: ConnectionRegistry.Phase = parser.isIdle ? (phase == .fresh ? .fresh : .idle)
                : (parser.isReadingHead ? .readingHead : .readingBody)
            if enter(next), next.isBetweenRequests { return }
            // Right after a response the client has rarely sent its next request yet: wait for it
            // rather than spend a read that would only say "nothing yet". Only when the last read
            // drained the socket: bytes left behind by a full buffer bring no new readiness edge.
            if responded, drained, next == .idle {
                responded = false
                try await loop.readable(socket)
            }
            let buffer = readBuffer()
            switch try socket.read(into: buffer) {
            case .bytes(let count):
                drained = count < buffer.count
                server.metrics.addBytesIn(count)
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            case .wouldBlock:
                try await loop.readable(socket)
            case .endOfFile:
                return
            }
        }
    }

    private func send(_ response: HTTPResponse, for request: HTTPRequest, keepAlive: Bool) async throws {
        let isHead = request.method == "HEAD"
        switch response.body {
        case .bytes:
            try await write(HTTPResponseSerializer.serialize(response, keepAlive: keepAlive,
                                                             minorVersion: request.minorVersion, includeBody: !isHead))
        case .stream(let chunks):
            try await write(HTTPResponseSerializer.head(response, keepAlive: keepAlive, minorVersion: request.minorVersion))
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A client that hangs up mid-stream must cancel the producer even while it is quiet.
                group.addTask { try await watchForHangUp() }
                group.addTask {
                    for await chunk in chunks where !chunk.isEmpty {
                        try await write(HTTPResponseSerializer.chunk(chunk))
                    }
                    try await write(HTTPResponseSerializer.chunk([]))
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Lingering close (RFC 9112 §9.6): after an error answer sent before the client finished its
    /// request (a 413 for a body still arriving), half-close and discard what the client still
    /// sends, for at most `lingerTime` or `lingerBytes`, so it reads our answer instead of a reset
    /// (closing a socket with unread input makes the kernel send RST, which can destroy the answer
    /// in flight).
    private func lingerBeforeClosing(buffer readBuffer: () -> UnsafeMutableRawBufferPointer) async {
        socket.shutdownWrite()
        let deadline = ContinuousClock.now + Self.lingerTime
        var discarded = 0
        while discarded < Self.lingerBytes {
            do {
                switch try socket.read(into: readBuffer()) {
                case .bytes(let count): discarded += count
                case .wouldBlock: try await loop.readable(socket, deadline: deadline)
                case .endOfFile: return
                }
            } catch {
                return
            }
        }
    }

    static let lingerTime: Duration = .seconds(2)
    static let lingerBytes = 64 << 20

    /// Returns when the peer closes its side; used while streaming, when no request is expected.
    private func watchForHangUp() async throws {
        var scratch = [UInt8](repeating: 0, count: 512)
        while true {
            let result = try scratch.withUnsafeMutableBytes { try socket.read(into: $0) }
            switch result {
            case .endOfFile: throw CancellationError()
            case .bytes: continue
            case .wouldBlock: try await loop.readable(socket)
            }
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            let result = try bytes.withUnsafeBytes { raw in
                try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            switch result {
            case .bytes(let count):
                offset += count
            case .wouldBlock:
                try await loop.writable(socket)
            case .endOfFile:
                throw SocketError("write", errno: 32)
            }
        }
        server.metrics.addBytesOut(bytes.count)
    }
}
