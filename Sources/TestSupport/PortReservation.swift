import Foundation
import RPC

/// A TCP port on 127.0.0.1 held bound, but not listening, until `release`: a connection to it is
/// refused, as to a port nobody uses, and no other socket can take it meanwhile. For a test that
/// lets clients try a port for a while before it starts the server there: a port picked with
/// `FreePorts` and let go could be picked by a concurrent test, whose node would then get those
/// clients (and this test's server could not bind).
///
/// Guarantees: `port` is bound by this reservation from `init` until `release`.
public final class PortReservation: Sendable {
    public let port: Int
    private let socket: Int32

    public init() throws {
        for _ in 0..<100 {
            let candidate = try FreePorts.pick(1, host: "127.0.0.1")[0]
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw SocketError("socket", errno: errno) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(candidate).bigEndian
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 {
                port = candidate
                socket = fd
                return
            }
            // Taken between the pick and this bind: draw again.
            close(fd)
        }
        throw SocketError("bind", errno: EADDRINUSE)
    }

    /// Lets the port go (the server about to bind it may do so at once: a socket that never
    /// listened or connected leaves nothing behind).
    public func release() { close(socket) }
}
