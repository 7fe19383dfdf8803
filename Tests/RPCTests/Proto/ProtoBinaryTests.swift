import Foundation
import JSON
import Testing
@testable import RPC
import ReplicaMath

/// The binary protobuf codec: bytes as the encoding spec gives them, round trips through JSON
/// for every field kind with seeded random values, and hostile input that must end in
/// `invalid_argument`, never a crash.
struct ProtoBinaryTests {
    static let color = EnumSchema("t.v1.Color", [("COLOR_UNSPECIFIED", 0), ("RED", 1), ("GREEN", 2)])
    static let inner = MessageSchema("t.v1.Inner", [FieldSchema("name", 1, .string), FieldSchema("count", 2, .int64)])
    /// Every field type and label the schemas can express.
    static let everything = MessageSchema("t.v1.Everything", [
        FieldSchema("text", 1, .string), FieldSchema("flag", 2, .bool), FieldSchema("small", 3, .int32),
        FieldSchema("unsigned", 4, .uint32), FieldSchema("big", 5, .int64), FieldSchema("huge", 6, .uint64),
        FieldSchema("ratio", 7, .double), FieldSchema("blob", 8, .bytes), FieldSchema("color", 9, .enumeration(color)),
        FieldSchema("inner", 10, .message({ inner })), FieldSchema("maybe", 11, .int64, .optional),
        FieldSchema("tags", 12, .string, .repeated), FieldSchema("numbers", 13, .int64, .repeated),
        FieldSchema("colors", 14, .enumeration(color), .repeated), FieldSchema("items", 15, .message({ inner }), .repeated),
        FieldSchema("votes", 16, .map(key: .string, value: .int64)), FieldSchema("by_id", 17, .map(key: .int32, value: .message({ inner }))),
        FieldSchema("ratios", 18, .double, .repeated),
    ])

    func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Known vectors from the protobuf encoding spec: zigzag only for sint, little-endian fixed widths.
    @Test func zigzagAndFixedWidthsFollowTheSpec() throws {
        #expect([0, -1, 1, -2, 2147483647, -2147483648].map { ProtoZigZag.encode32($0) } == [0, 1, 2, 3, 4294967294, 4294967295])
        #expect(ProtoZigZag.encode64(-1) == 1 && ProtoZigZag.encode64(.min) == .max)
        for value: Int64 in [0, -1, 1, .min, .max, -123_456_789] { #expect(ProtoZigZag.decode64(ProtoZigZag.encode64(value)) == value) }
        var out: [UInt8] = []
        ProtoBinaryOutput.sint32(1, -2, &out)
        ProtoBinaryOutput.fixed32(2, 300, &out)
        ProtoBinaryOutput.sfixed64(3, -1, &out)
        ProtoBinaryOutput.int32(4, -1, &out)
        #expect(out == [0x08, 0x03, 0x15, 0x2C, 0x01, 0x00, 0x00, 0x19] + Array(repeating: 0xFF, count: 8)
                + [0x20] + Array(repeating: 0xFF, count: 9) + [0x01])
    }

    @Test func encodesAsTheSpecSays() throws {
        // The spec's own example (field 1 = 150) and a string; defaults are left out.
        let schema = MessageSchema("t.v1.A", [FieldSchema("a", 1, .int32), FieldSchema("b", 2, .string), FieldSchema("c", 3, .int64)])
        #expect(try ProtoBinaryWriter.binary(fromJSON: json(#"{"a":150,"b":"testing","c":"0"}"#), schema: schema)
                == [0x08, 0x96, 0x01, 0x12, 0x07] + Array("testing".utf8))
        // A negative int32 is a ten-byte varint; repeated numbers are packed.
        let negative = MessageSchema("t.v1.N", [FieldSchema("n", 1, .int32), FieldSchema("r", 2, .int64, .repeated)])
        #expect(try ProtoBinaryWriter.binary(fromJSON: json(#"{"n":-1,"r":["3","270"]}"#), schema: negative)
                == [0x08] + Array(repeating: 0xFF, count: 9) + [0x01, 0x12, 0x03, 0x03, 0x8E, 0x02])
        #expect(try ProtoBinaryReader.json(from: [0x08] + Array(repeating: 0xFF, count: 9) + [0x01, 0x12, 0x03, 0x03, 0x8E, 0x02],
                                           schema: negative) == json(#"{"n":-1,"r":["3","270"]}"#))
    }

    @Test func readsUnpackedRepeatsUnknownFieldsAndLastWins() throws {
        let schema = MessageSchema("t.v1.R", [FieldSchema("a", 1, .int32), FieldSchema("r", 2, .int64, .repeated)])
        // a=1, unknown field 7 (varint), r=5 unpacked, unknown field 9 (length-delimited), r=6, a=2.
        let bytes: [UInt8] = [0x08, 0x01, 0x38, 0x05, 0x10, 0x05, 0x4A, 0x02, 0x00, 0x00, 0x10, 0x06, 0x08, 0x02]
        #expect(try ProtoBinaryReader.json(from: bytes, schema: schema) == json(#"{"a":2,"r":["5","6"]}"#))
    }

    /// Random messages of every kind: JSON → binary → JSON gives the same JSON, and binary →
    /// JSON → binary the same bytes.
    @Test(arguments: 1...200) func roundTripsRandomMessages(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let value = Self.randomObject(Self.everything, depth: 0, using: &random)
        let text = JSONWriter.bytes(.object(value))
        let binary = try ProtoBinaryWriter.binary(fromJSON: text, schema: Self.everything)
        let back = try ProtoBinaryReader.json(from: binary, schema: Self.everything)
        #expect(try JSONParser.parse(back) == JSONParser.parse(JSONWriter.bytes(.object(Self.withoutDefaults(value, Self.everything)))),
                "seed \(seed): \(String(decoding: text, as: UTF8.self))")
        #expect(try ProtoBinaryWriter.binary(fromJSON: back, schema: Self.everything) == binary, "seed \(seed)")
    }

    /// Truncated and mutated encodings of valid messages: decoded or refused as
    /// `invalid_argument`, never a trap or any other error.
    @Test(arguments: 1...40) func hostileBytesAreRefusedCleanly(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let binary = try ProtoBinaryWriter.binary(fromJSON: JSONWriter.bytes(.object(Self.randomObject(Self.everything, depth: 0, using: &random))),
                                                  schema: Self.everything)
        var inputs = (0..<binary.count).map { Array(binary.prefix($0)) }
        for _ in 0..<50 where !binary.isEmpty {
            var mutated = binary
            mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            inputs.append(mutated)
        }
        for input in inputs {
            do { _ = try ProtoBinaryReader.json(from: input, schema: Self.everything) } catch {
                #expect(error.code == .invalidArgument, "\(error)")
            }
        }
    }

    @Test func nestingAndFieldNumberLimitsHold() {
        let recursive = MessageSchema("t.v1.Tree", [FieldSchema("child", 1, .message({ ProtoBinaryTests.tree }))])
        var bytes: [UInt8] = []
        for _ in 0..<200 { bytes = [0x0A] + varint(UInt64(bytes.count)) + bytes }
        #expect(throws: ConnectError.self) { try ProtoBinaryReader.json(from: bytes, schema: recursive) }
        // Field number 0, and a length that runs past the end.
        #expect(throws: ConnectError.self) { try ProtoBinaryReader.json(from: [0x00, 0x01], schema: Self.inner) }
        #expect(throws: ConnectError.self) { try ProtoBinaryReader.json(from: [0x0A, 0x7F, 0x61], schema: Self.inner) }
        #expect(throws: ConnectError.self) { try ProtoBinaryReader.json(from: [0x0A, 0x02, 0xC3, 0x28], schema: Self.inner) }
    }

    static let tree: MessageSchema = MessageSchema("t.v1.Tree", [FieldSchema("child", 1, .message({ ProtoBinaryTests.tree }))])

    func varint(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        ProtoBinaryOutput.varint(value, &out)
        return out
    }
}
