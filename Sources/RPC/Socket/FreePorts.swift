import Foundation

/// Free TCP ports for child processes to listen on, checked free by binding them (then released).
///
/// They are drawn at random from below the kernel's ephemeral range (`ip_local_port_range`):
/// a port handed out by `bind(0)` comes from that range, and so does the local port of every
/// outgoing connection, so on a machine busy with connections (a test suite) another socket
/// could take such a port before the child binds it. Below the range only another explicit
/// bind can, and a random draw from thousands of ports makes that unlikely. When the range
/// leaves no room below it, the kernel's `bind(0)` answer is used.
///
/// Guarantees: the ports are distinct and were free when returned; `hold`'s stay bound (not
/// listening: connections to them are refused) until the caller closes their sockets.
public enum FreePorts {
    public static func pick(_ count: Int, host: String) throws -> [Int] {
        let held = try hold(count, host: host)
        held.forEach { close($0.socket) }
        return held.map(\.port)
    }

    /// Like `pick`, but each port stays bound by the returned socket (the caller closes it): no
    /// other socket can take the port meanwhile.
    public static func hold(_ count: Int, host: String) throws -> [(port: Int, socket: Int32)] {
        var ports: [Int] = []
        var sockets: [Int32] = []
        var handedOver = false
        defer { if !handedOver { sockets.forEach { close($0) } } }
        let below = ephemeralRangeStart()
        var attempts = 0
        while ports.count < count {
            attempts += 1
            let candidate = below > 11_000 && attempts < 200 ? Int.random(in: 10_000..<below) : 0
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw SocketError("socket", errno: errno) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(candidate).bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                let failure = errno
                close(fd)
                if candidate != 0, failure == EADDRINUSE || failure == EACCES { continue }
                throw SocketError("bind", errno: failure)
            }
            sockets.append(fd)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        handedOver = true
        return Array(zip(ports, sockets))
    }

    /// The first port of the kernel's ephemeral range (32768 when it cannot be read).
    static func ephemeralRangeStart() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
              let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first, let port = Int(first) else {
            return 32_768
        }
        return port
    }
}
