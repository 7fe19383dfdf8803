import Testing
@testable import RPC

struct GzipCodecTests {
    @Test func roundTrips() throws {
        let input = Array(String(repeating: "hello gzip ", count: 1000).utf8)
        let compressed = GzipCodec.deflate(input)
        #expect(compressed.count < input.count / 10)
        #expect(compressed.prefix(2) == [0x1f, 0x8b])
        #expect(try GzipCodec.inflate(compressed, limit: 1 << 20) == input)
    }

    @Test func corruptDataIsInvalidArgument() {
        #expect(throws: ConnectError.self) { try GzipCodec.inflate([0x1f, 0x8b, 1, 2, 3, 4, 5], limit: 100) }
        do { _ = try GzipCodec.inflate(Array("not gzip".utf8), limit: 100) } catch { #expect(error.code == .invalidArgument) }
    }

    /// A small body that inflates past the limit must fail without inflating it all.
    @Test func zipBombStopsAtTheLimit() {
        let bomb = GzipCodec.deflate([UInt8](repeating: 0, count: 10 << 20))
        #expect(bomb.count < 64 * 1024)
        do {
            _ = try GzipCodec.inflate(bomb, limit: 1 << 20)
            Issue.record("expected resource_exhausted")
        } catch {
            #expect(error.code == .resourceExhausted)
        }
    }
}
