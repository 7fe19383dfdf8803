import Foundation
import Testing
@testable import RPC

struct FreePortsTests {
    /// Distinct ports, below the kernel's ephemeral range (where outgoing connections never land),
    /// and free: a listener can bind each.
    @Test func portsAreDistinctFreeAndOutsideTheEphemeralRange() throws {
        let ports = try FreePorts.pick(5, host: "127.0.0.1")
        #expect(Set(ports).count == 5)
        if FreePorts.ephemeralRangeStart() > 11_000 { #expect(ports.allSatisfy { $0 >= 10_000 && $0 < FreePorts.ephemeralRangeStart() }) }
        for port in ports {
            let listener = try Socket.listen(on: try SocketAddress(parsing: "127.0.0.1:\(port)"))
            listener.close()
        }
    }
}
