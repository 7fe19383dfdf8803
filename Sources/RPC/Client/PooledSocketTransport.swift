import Synchronization

/// A `ClientTransport` over pooled keep-alive HTTP/1.1 sockets: the default for peer traffic.
///
/// Guarantees: at most `maxConnections` requests in flight to the server (callers beyond that
/// wait for a connection); every socket has `TCP_NODELAY`; a connection found closed by the
/// server is replaced before use; a broken connection is never reused; retryable calls are
/// retried once on a fresh connection when a reused one fails before any response byte — and
/// then every idle connection is dropped too (the server most likely restarted: they are all dead).
public final class PooledSocketTransport: ClientTransport {
    public let address: SocketAddress
    public let maxConnections: Int
    /// Idle connections older than this are closed instead of reused (well under the server's idle timeout).
    public let maxIdle: Duration

    struct Pool: ~Copyable {
        var idle: [ClientConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let pool = Mutex(Pool())
    private let hostHeader: String

    public init(address: SocketAddress, maxConnections: Int = 64, maxIdle: Duration = .seconds(30)) {
        self.address = address
        self.maxConnections = maxConnections
        self.maxIdle = maxIdle
        hostHeader = address.description
    }

    deinit {
        pool.withLock { pool in
            for connection in pool.idle { connection.close() }
        }
    }

    public func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        let request = Self.serialize(path: path, host: hostHeader, body: body, options: options, streaming: false)
        // The deadline is enforced by the event loop on each socket wait: no extra tasks per call.
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        let response: ClientConnection.Response
        do {
            response = try await perform(request, retryable: options.retryable, deadline: deadline)
        } catch let error as ConnectError {
            throw error
        } catch is CancellationError {
            throw ConnectError(.canceled, "the call was canceled")
        } catch {
            throw ConnectError(.unavailable, "\(address): \(error)")
        }
        guard response.status == 200 else {
            throw ConnectError.fromResponse(status: response.status, body: response.body, headers: response.headers)
        }
        return UnaryResponse(headers: response.headers, body: response.body)
    }

    private func perform(_ request: [UInt8], retryable: Bool, deadline: ContinuousClock.Instant?) async throws -> ClientConnection.Response {
        var attempt = 0
        while true {
            var connection = try await checkout(deadline: deadline)
            let wasReused = connection.reused
            do {
                let response = try await connection.exchange(request, deadline: deadline)
                checkin(connection, keep: response.keepAlive)
                return response
            } catch let failure as ClientConnection.Failure {
                checkin(connection, keep: false)
                if wasReused && !failure.receivedResponseBytes { dropIdle() }
                if retryable && wasReused && !failure.receivedResponseBytes && attempt == 0 {
                    attempt += 1
                    continue
                }
                throw ConnectError(.unavailable, "\(address): \(failure.message)")
            } catch is EventLoop.WaitTimeout {
                checkin(connection, keep: false)
                throw ConnectError(.deadlineExceeded, "\(address) did not answer before the deadline")
            } catch {
                checkin(connection, keep: false)
                if error is CancellationError { throw error }
                throw ConnectError(.unavailable, "\(address): \(error)")
            }
        }
    }

    /// Takes an idle connection, opens a new one, or waits until one is free.
    private func checkout(deadline: ContinuousClock.Instant?) async throws -> ClientConnection {
        while true {
            enum Step { case reuse(ClientConnection), open, wait }
            var stale: [ClientConnection] = []
            let here = EventLoop.current
            let step: Step = pool.withLock { pool in
                // A connection watched by the caller's own loop answers without a thread hop;
                // one on another loop is used only when no new one may be opened.
                while let index = pool.idle.lastIndex(where: { here == nil || $0.loop === here }) ?? (pool.open < maxConnections ? nil : pool.idle.indices.last) {
                    let connection = pool.idle.remove(at: index)
                    // A connection used moments ago is taken on trust (the peek is a syscall per
                    // call); one the server closed since then fails before any response byte,
                    // and retryable calls are retried.
                    let idle = ContinuousClock.now - connection.lastUsed
                    if idle > maxIdle || (idle > .milliseconds(250) && connection.isStale()) {
                        stale.append(connection)
                        pool.open -= 1
                        continue
                    }
                    return .reuse(connection)
                }
                if pool.open < maxConnections {
                    pool.open += 1
                    return .open
                }
                return .wait
            }
            for connection in stale { connection.close() }
            switch step {
            case .reuse(let connection):
                return connection
            case .open:
                do {
                    return try await ClientConnection.open(to: address, loop: here ?? .next(), deadline: deadline)
                } catch is EventLoop.WaitTimeout {
                    release()
                    throw ConnectError(.deadlineExceeded, "connecting to \(address) did not finish before the deadline")
                } catch {
                    release()
                    var failure = ConnectError(.unavailable, "cannot connect to \(address): \(error)")
                    failure.requestNotSent = true
                    throw failure
                }
            case .wait:
                await withCheckedContinuation { continuation in
                    let resumeNow = pool.withLock { pool -> Bool in
                        if pool.open < maxConnections || !pool.idle.isEmpty { return true }
                        pool.waiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
                try Task.checkCancellation()
            }
        }
    }

    private func checkin(_ connection: ClientConnection, keep: Bool) {
        let waiter = pool.withLock { pool -> CheckedContinuation<Void, Never>? in
            if keep {
                pool.idle.append(connection)
            } else {
                pool.open -= 1
            }
            return pool.waiters.isEmpty ? nil : pool.waiters.removeFirst()
        }
        if !keep { connection.close() }
        waiter?.resume()
    }

    /// Closes every idle connection.
    private func dropIdle() {
        let dropped = pool.withLock { pool -> [ClientConnection] in
            let idle = pool.idle
            pool.idle = []
            pool.open -= idle.count
            return idle
        }
        for connection in dropped { connection.close() }
    }

    private func release() {
        let waiter = pool.withLock { pool -> CheckedContinuation<Void, Never>? in
            pool.open -= 1
            return pool.waiters.isEmpty ? nil : pool.waiters.removeFirst()
        }
        waiter?.resume()
    }

    /// The request bytes: request line, Connect headers, metadata, body. (Public so benchmarks
    /// measure the server on exactly what this transport sends.)
    public static func serialize(path: String, host: String, body: [UInt8], options: CallOptions, streaming: Bool) -> [UInt8] {
        // Appended piece by piece: no intermediate strings on this per-call path.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192 + path.utf8.count + body.count)
        bytes.append(contentsOf: "POST ".utf8)
        bytes.append(contentsOf: path.utf8)
        bytes.append(contentsOf: " HTTP/1.1\r\nhost: ".utf8)
        bytes.append(contentsOf: host.utf8)
        bytes.append(contentsOf: "\r\ncontent-type: ".utf8)
        bytes.append(contentsOf: (streaming ? options.codec.streamContentType : options.codec.contentType).utf8)
        bytes.append(contentsOf: "\r\nconnect-protocol-version: 1\r\ncontent-length: ".utf8)
        bytes.append(contentsOf: String(body.count).utf8)
        if let timeout = options.timeout, options.sendTimeoutHeader {
            bytes.append(contentsOf: "\r\nconnect-timeout-ms: ".utf8)
            bytes.append(contentsOf: String(max(1, timeout.wholeMilliseconds)).utf8)
        }
        for (name, value) in options.headers {
            bytes.append(contentsOf: "\r\n".utf8)
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: ": ".utf8)
            bytes.append(contentsOf: value.utf8)
        }
        bytes.append(contentsOf: "\r\n\r\n".utf8)
        bytes.append(contentsOf: body)
        return bytes
    }
}
