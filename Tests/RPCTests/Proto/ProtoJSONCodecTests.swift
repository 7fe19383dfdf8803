import Testing
@testable import RPC

/// A message exercising every kind of field the reader and writer handle.
struct Sample: ProtoMessage, Equatable {
    static let schema = MessageSchema("test.v1.Sample", [
        FieldSchema("member_id", 1, .string),
        FieldSchema("big_number", 2, .int64),
        FieldSchema("small", 3, .int32),
        FieldSchema("status", 4, .enumeration(NodeV1.ServingStatus.schema)),
        FieldSchema("flag", 5, .bool),
        FieldSchema("tags", 6, .string, .repeated),
    ])

    var memberId = ""
    var bigNumber: Int64 = 0
    var small: Int32 = 0
    var status = NodeV1.ServingStatus.unknown
    var flag = false
    var tags: [String] = []

    init() {}

    init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        memberId = try r.requireString("memberId")
        bigNumber = try r.int64("bigNumber") ?? 0
        small = try r.int32("small") ?? 0
        status = try r.decode("status", as: NodeV1.ServingStatus.self) ?? .unknown
        flag = try r.bool("flag") ?? false
        tags = try r.repeated("tags")
    }

    func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("memberId", memberId)
        try w.write("bigNumber", bigNumber)
        try w.write("small", small)
        try w.write("status", status)
        try w.write("flag", flag)
        try w.write("tags", tags)
    }
}

func decodeSample(_ json: String) throws(ConnectError) -> Sample {
    try ProtoJSONCodec.decode(Sample.self, from: Array(json.utf8))
}

func decodeError(_ json: String) -> ConnectError? {
    do { _ = try decodeSample(json); return nil } catch { return error }
}

struct ProtoJSONCodecTests {
    @Test func encodesCanonicalProtoJSON() throws {
        var sample = Sample()
        sample.memberId = "m1"
        sample.bigNumber = 9_007_199_254_740_993
        sample.status = .serving
        let text = String(decoding: try ProtoJSONCodec.encode(sample), as: UTF8.self)
        // Fields in .proto order, as protobuf's own JSON printer writes them.
        #expect(text == #"{"memberId":"m1","bigNumber":"9007199254740993","status":"SERVING"}"#)
    }

    @Test func acceptsEveryProtoJSONSpelling() throws {
        let a = try decodeSample(#"{"member_id":"m","big_number":12,"status":1,"small":3.0,"flag":null}"#)
        #expect(a.memberId == "m" && a.bigNumber == 12 && a.status == .serving && a.small == 3)
        let b = try decodeSample(#"{"memberId":"m","bigNumber":"9007199254740993","status":"NOT_SERVING"}"#)
        #expect(b.bigNumber == 9_007_199_254_740_993 && b.status == .notServing)
        let c = try decodeSample(#"{"memberId":"m","bigNumber":"-88","small":"1e2"}"#)
        #expect(c.bigNumber == -88 && c.small == 100)
    }

    @Test func rejectsWhatProtoJSONRejects() throws {
        #expect(decodeError(#"{"memberId":"m","unknown":1}"#)?.message.contains("unknown field \"unknown\"") == true)
        #expect(decodeError(#"{"bigNumber":"1"}"#)?.message == "missing required field \"memberId\"")
        #expect(decodeError(#"{"memberId":""}"#)?.message == "missing required field \"memberId\"")
        #expect(decodeError(#"{"memberId":"m","small":1.5}"#)?.message.contains("small") == true)
        #expect(decodeError(#"{"memberId":"m","small":3000000000}"#)?.message.contains("out of range") == true)
        #expect(decodeError(#"{"memberId":"m","bigNumber":-9223372036854775809}"#)?.code == .invalidArgument)
        #expect(decodeError(#"{"memberId":"m","bigNumber":"9223372036854775808"}"#)?.code == .invalidArgument)
        #expect(try decodeSample(#"{"memberId":"m","bigNumber":-9223372036854775808}"#).bigNumber == .min)
        #expect(decodeError(#"{"memberId":"m","status":true}"#)?.code == .invalidArgument)
        #expect(decodeError(#"{"memberId":"m","status":"NOPE"}"#)?.message.contains("NOPE") == true)
        #expect(decodeError(#"{"memberId":7}"#)?.message.contains("memberId") == true)
        #expect(decodeError(#"{"memberId":"m","flag":1}"#)?.message.contains("flag") == true)
        #expect(decodeError(#"{"memberId":7}"#)?.code == .invalidArgument)
        #expect(decodeError("[1]")?.code == .invalidArgument)
        #expect(decodeError(#"{"memberId":"m""#)?.message.contains("not valid JSON") == true)
        #expect(decodeError("nonsense")?.code == .invalidArgument)
    }

    @Test func aFieldMayBeGivenUnderOneSpellingOnly() throws {
        #expect(try decodeSample(#"{"member_id":"proto"}"#).memberId == "proto")
        #expect(decodeError(#"{"memberId":"json","member_id":"proto"}"#)?.message.contains("given twice") == true)
        #expect(decodeError(#"{"memberId":null,"member_id":"proto"}"#)?.message.contains("given twice") == true)
    }

    @Test func emptyBodyIsAnEmptyMessage() throws {
        let request = try ProtoJSONCodec.decode(NodeV1.CheckRequest.self, from: [])
        #expect(request.service == "")
    }

    @Test func jsonNamesFollowProtoc() {
        #expect(FieldSchema.lowerCamel("member_id") == "memberId")
        #expect(FieldSchema.lowerCamel("a_b_c") == "aBC")
        #expect(FieldSchema.lowerCamel("plain") == "plain")
    }
}
