import CNodeSystem

#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking TCP socket file descriptor and the system calls made on it.
///
/// Guarantees: every socket is `O_NONBLOCK` and close-on-exec; stream sockets have `TCP_NODELAY`;
/// reads and writes retry on `EINTR` and report `EAGAIN` as `.wouldBlock` instead of throwing.
public struct Socket: Sendable, Hashable {
    public let fd: Int32

    init(fd: Int32) { self.fd = fd }

    /// The result of a non-blocking read or write.
    enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case endOfFile
    }

    /// Creates a listening socket bound to `address` with `SO_REUSEADDR`.
    static func listen(on address: SocketAddress, backlog: Int32 = 1024) throws(SocketError) -> Socket {
        let domain = address.family == .ipv4 ? AF_INET : AF_INET6
        let fd = Glibc.socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .last("socket") }
        let socket = Socket(fd: fd)
        socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1)
        if address.family == .ipv6 { socket.setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
        let bound = address.withSockAddr { Glibc.bind(fd, $0, $1) }
        guard bound == 0 else {
            let error = SocketError.last("bind \(address)")
            socket.close()
            throw error
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let error = SocketError.last("listen")
            socket.close()
            throw error
        }
        return socket
    }

    /// Starts a non-blocking connect; `true` when it completed at once, `false` when in progress.
    static func connect(to address: SocketAddress) throws(SocketError) -> (Socket, Bool) {
        let domain = address.family == .ipv4 ? AF_INET : AF_INET6
        let fd = Glibc.socket(domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .last("socket") }
        let socket = Socket(fd: fd)
        socket.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if rc == 0 { return (socket, true) }
        if Glibc.errno == EINPROGRESS { return (socket, false) }
        let error = SocketError.last("connect \(address)")
        socket.close()
        throw error
    }

    /// The pending error of a non-blocking connect (0 when connected).
    func pendingError() -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length)
        return value
    }

    /// Accepts one connection, or `nil` when none is pending.
    func accept() throws(SocketError) -> (Socket, SocketAddress?)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let client = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    cnode_accept(fd, $0, &length)
                }
            }
            if client >= 0 {
                let socket = Socket(fd: client)
                socket.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
                return (socket, SocketAddress.from(storage: storage))
            }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            case ECONNABORTED, EPROTO: continue
            default: throw .last("accept")
            }
        }
    }

    /// Reads into `buffer`; never blocks.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case ECONNRESET: return .endOfFile
            default: throw .last("read")
            }
        }
    }

    /// Writes from `buffer`; never blocks and never raises SIGPIPE.
    func write(_ buffer: UnsafeRawBufferPointer) throws(SocketError) -> IOResult {
        while true {
            let n = Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .bytes(n) }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw .last("write")
            }
        }
    }

    /// The locally bound address (useful after binding port 0).
    func localAddress() -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return rc == 0 ? SocketAddress.from(storage: storage) : nil
    }

    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Stops further reads (wakes a parked reader with end-of-file), writes stay possible.
    func shutdownRead() { _ = Glibc.shutdown(fd, Int32(SHUT_RD)) }

    /// Stops sending; the peer sees end-of-file but may still send to us.
    func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Stops both directions; the peer sees end-of-file.
    func shutdownBoth() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    func close() { _ = Glibc.close(fd) }
}
