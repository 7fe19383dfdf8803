import Foundation
import JSON
import RPC
import Testing
import TestSupport
import ReplicaMath

/// The generated codecs of every message: JSON and binary round trips with seeded random
/// values, cross-checked against the schema-driven transcoder, hostile binary input, and the
/// golden JSON the hand-written messages produced before the generator replaced them.
struct GeneratedMessageTests {
    @Test func everyProtoMessageIsGenerated() {
        let names = Set(allMessageTypes.map { $0.schema.name })
        #expect(names.count == allMessageTypes.count)
        for name in ["node.v1.CheckResponse", "register.v1.StoreRequest", "log.v1.Message", "consensus.v1.Pool", "bulletin.v1.Reply"] {
            #expect(names.contains(name), "\(name)")
        }
    }

    @Test(arguments: 0..<allMessageTypes.count)
    func roundTripsThroughBothCodecs(index: Int) throws {
        try roundTrips(allMessageTypes[index])
    }

    func roundTrips<M: GeneratedMessage>(_ type: M.Type) throws {
        var samples = ProtoSamples(seed: 0x5EED + UInt64(M.schema.name.utf8.count))
        var decoded = 0
        for _ in 0..<60 {
            let json = JSONWriter.bytes(samples.message(M.schema))
            let outcome: Result<M, ConnectError> = Result { () throws(ConnectError) -> M in try M.decodeJSON(json) }
            guard case .success(let message) = outcome else {
                if case .failure(let error) = outcome {
                    #expect(error.message.contains("missing required field"), "\(M.schema.name): \(error.message)")
                }
                continue
            }
            decoded += 1
            let name: String = M.schema.name
            let text: [UInt8] = try message.encodeJSON()
            let fromJSON: M = try M.decodeJSON(text)
            #expect(fromJSON == message, "\(name) JSON")
            let binary: [UInt8] = try message.encodeBinary()
            let fromBinary: M = try M.decodeBinary(binary)
            #expect(fromBinary == message, "\(name) binary")
            // The schema-driven transcoder is an independent implementation of both directions.
            let transcodedJSON: [UInt8] = try ProtoBinaryReader.json(from: binary, schema: M.schema)
            let viaJSON: M = try M.decodeJSON(transcodedJSON)
            #expect(viaJSON == message, "\(name) transcoded from binary")
            let transcodedBinary: [UInt8] = try ProtoBinaryWriter.binary(fromJSON: text, schema: M.schema)
            let viaBinary: M = try M.decodeBinary(transcodedBinary)
            #expect(viaBinary == message, "\(name) transcoded to binary")
            // Codable (what `node call` and error details use) goes through the same codec.
            let parsed: JSONValue = try JSONParser.parse(text)
            let viaCodable: M = try JSONValueDecoder(parsed).decode(M.self)
            #expect(viaCodable == message, "\(name) Codable")
        }
        #expect(decoded > 0, "\(M.schema.name): no sample decoded")
    }

    @Test(arguments: 0..<allMessageTypes.count)
    func hostileBinaryIsInvalidArgumentNeverACrash(index: Int) throws {
        try hostile(allMessageTypes[index])
    }

    func hostile<M: GeneratedMessage>(_ type: M.Type) throws {
        var samples = ProtoSamples(seed: 0xBAD + UInt64(M.schema.name.utf8.count))
        var random = SeededGenerator(seed: 99)
        for _ in 0..<20 {
            guard let message = try? M.decodeJSON(JSONWriter.bytes(samples.message(M.schema))) else { continue }
            let binary = try message.encodeBinary()
            for cut in 0..<binary.count {
                expectInvalidOrDecoded(M.self, Array(binary[..<cut]))
            }
            for _ in 0..<50 where !binary.isEmpty {
                var mutated = binary
                mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                expectInvalidOrDecoded(M.self, mutated)
            }
        }
    }

    @Test func deepNestingIsRefused() {
        // A field-1 message inside a field-1 message, 200 deep: every message type either skips it
        // or refuses it, none recurses without bound.
        var bytes: [UInt8] = []
        for _ in 0..<200 {
            var outer: [UInt8] = [0x0A]
            outer.append(contentsOf: varint(bytes.count))
            outer.append(contentsOf: bytes)
            bytes = outer
        }
        for type in allMessageTypes { expectInvalidOrDecoded(type, bytes) }
    }

    func expectInvalidOrDecoded<M: GeneratedMessage>(_ type: M.Type, _ bytes: [UInt8]) {
        let decoded: Result<M, ConnectError> = Result { () throws(ConnectError) -> M in try M.decodeBinary(bytes) }
        if case .failure(let error) = decoded { #expect(error.code == .invalidArgument, "\(error.message)") }
    }

    func varint(_ value: Int) -> [UInt8] {
        var out: [UInt8] = []
        ProtoBinaryOutput.varint(UInt64(value), &out)
        return out
    }

    /// The JSON the hand-written messages wrote for seeded random values (recorded before they
    /// were deleted): the generated writers reproduce it byte for byte.
    @Test func jsonIsByteIdenticalToTheHandWrittenMessages() throws {
        let url = try #require(Bundle.module.url(forResource: "Golden/messages", withExtension: "txt"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        var types: [String: any GeneratedMessage.Type] = [:]
        for type in allMessageTypes { types[type.schema.name] = type }
        var compared = 0
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let type = types[String(parts[0])] else {
                Issue.record("unknown golden line \(line.prefix(60))")
                continue
            }
            if try same(type, Array(parts[1].utf8)) { compared += 1 }
        }
        #expect(compared > lines.count * 9 / 10, "compared \(compared) of \(lines.count)")
    }

    func same<M: GeneratedMessage>(_ type: M.Type, _ json: [UInt8]) throws -> Bool {
        let decoded: Result<M, ConnectError> = Result { () throws(ConnectError) -> M in try M.decodeJSON(json) }
        guard case .success(let message) = decoded else { return false }
        let again: [UInt8] = try message.encodeJSON()
        let name: String = M.schema.name
        let got = String(decoding: again, as: UTF8.self)
        let want = String(decoding: json, as: UTF8.self)
        #expect(got == want, "\(name)")
        return true
    }
}
