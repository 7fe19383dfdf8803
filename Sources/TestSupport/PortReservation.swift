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
        let held = try FreePorts.hold(1, host: "127.0.0.1")[0]
        port = held.port
        socket = held.socket
    }

    /// Lets the port go (the server about to bind it may do so at once: a socket that never
    /// listened or connected leaves nothing behind).
    public func release() { close(socket) }
}
