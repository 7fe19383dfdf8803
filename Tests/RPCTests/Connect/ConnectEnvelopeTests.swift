import Testing
@testable import RPC

struct ConnectEnvelopeTests {
    @Test func framesRoundTripThroughTheReader() throws {
        var reader = ConnectEnvelope.FrameReader()
        let bytes = ConnectEnvelope.frame(Array("{\"a\":1}".utf8)) + ConnectEnvelope.endStream(error: nil, trailers: ["x-t": "1"])
        for byte in bytes {
            reader.append([byte])
        }
        let first = try #require(try reader.next())
        #expect(first.payload == Array("{\"a\":1}".utf8))
        #expect(!first.isEndStream)
        let end = try #require(try reader.next())
        #expect(end.isEndStream)
        let (error, trailers) = ConnectEnvelope.parseEndStream(end.payload)
        #expect(error == nil)
        #expect(trailers["x-t"] == "1")
        #expect(try reader.next() == nil)
    }

    @Test func endStreamCarriesTheError() throws {
        var reader = ConnectEnvelope.FrameReader()
        reader.append(ConnectEnvelope.endStream(error: ConnectError(.notFound, "no pool"), trailers: [:]))
        let frame = try #require(try reader.next())
        let (error, _) = ConnectEnvelope.parseEndStream(frame.payload)
        #expect(error?.code == .notFound)
        #expect(error?.message == "no pool")
    }
}
