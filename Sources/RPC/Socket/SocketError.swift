#if canImport(Glibc)
import Glibc
#endif

/// A failed socket system call: which call, the errno it set and its text.
public struct SocketError: Error, Equatable, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// Captures the current `errno` for the named call.
    static func last(_ call: String) -> SocketError {
        SocketError(call, errno: Glibc.errno)
    }

    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
