import JSON
import RegisterCore
import RPC
import Testing
@testable import RegisterService

/// The hot register messages' hand-written JSON paths agree with their Codable conformances: the
/// writers byte for byte, the canonical readers message for message, and anything not canonical
/// is left to the Codable path (which accepts proto3's other spellings or names the error).
@Suite struct RegisterMessageFastPathTests {
    static let entries: [Entry?] = [
        nil,
        Entry(version: Version(counter: 1, writer: "n1/a/1"), value: "v"),
        Entry(version: Version(counter: 0, writer: ""), value: ""),
        Entry(version: Version(counter: UInt64(Int64.max), writer: "n2/\u{e9}/\"q\""), value: "line\nbreak \u{1F600}\u{1}"),
        Entry(version: Version(counter: 7, writer: "n3/b/2"), value: nil),
    ]

    func expectSame<T: ProtoJSONWritable>(_ message: T) throws {
        var fast: [UInt8] = []
        message.writeJSON(into: &fast)
        let slow = try JSONValueEncoder.bytes(message)
        #expect(String(decoding: fast, as: UTF8.self) == String(decoding: slow, as: UTF8.self))
        #expect(try ProtoJSONCodec.encode(message) == slow)
    }

    @Test func replicaMessagesMatchTheirEncodable() throws {
        let items = Self.entries.enumerated().map { ReplicaEntryMessage(key: $0.offset == 2 ? "" : "k\\\($0.offset)", entry: $0.element) }
        for item in items { try expectSame(item) }
        try expectSame(QueryRequest(keys: []))
        try expectSame(QueryRequest(keys: ["a", "", "c\"d"]))
        try expectSame(QueryResponse(entries: []))
        try expectSame(QueryResponse(entries: items))
        try expectSame(StoreRequest(entries: items))
        try expectSame(StoreResponse(stored: 0))
        try expectSame(StoreResponse(stored: -3))
        try expectSame(StoreResponse(stored: 12))
        try expectSame(Self.offerResponse)
        try expectSame(OfferResponse(answers: []))
    }

    static let offerResponse = OfferResponse(answers: [
        OfferAnswerMessage(.held), OfferAnswerMessage(.failed),
        OfferAnswerMessage(.newer(Version(counter: 9, writer: "n2/\u{e9}/\"q\""))), OfferAnswerMessage(.newer(.zero)),
        OfferAnswerMessage(.newerUnvouched(Version(counter: 3, writer: "n3/c/1"))),
    ])

    @Test func clientMessagesMatchTheirEncodable() throws {
        for entry in Self.entries {
            try expectSame(ReadResponse(entry: entry))
            if let entry {
                try expectSame(WriteResponse(version: VersionMessage(entry.version)))
                try expectSame(VersionMessage(entry.version))
            }
        }
        for request in [WriteRequest(key: "k", value: ""), WriteRequest(key: "k\"", value: "v", requestId: "r-1"), WriteRequest(key: "k", value: "v", requestId: "")] {
            try expectSame(request)
        }
        try expectSame(ReadRequest(key: "k\u{e9}"))
        var negative = VersionMessage(.zero)
        negative.counter = -5
        try expectSame(negative)
    }

    func expectReadsBack<T: ProtoJSONReadable & ProtoJSONWritable & Equatable>(_ message: T) throws {
        var bytes: [UInt8] = []
        message.writeJSON(into: &bytes)
        let value = try JSONParser.parse(bytes)
        let fast = try #require(T(canonicalJSON: value))
        #expect(fast == message)
        #expect(try JSONValueDecoder(value).decode(T.self) == fast)
    }

    @Test func canonicalJSONReadsBackAsTheCodablePathDoes() throws {
        let items = Self.entries.enumerated().map { ReplicaEntryMessage(key: "k\($0.offset)", entry: $0.element) }
        for item in items { try expectReadsBack(item) }
        try expectReadsBack(QueryRequest(keys: []))
        try expectReadsBack(QueryRequest(keys: ["a", "", "\u{e9}"]))
        try expectReadsBack(QueryResponse(entries: items))
        try expectReadsBack(StoreRequest(entries: items))
        try expectReadsBack(StoreRequest(entries: []))
        try expectReadsBack(Self.offerResponse)
        #expect(Self.offerResponse.answers.map(\.answer) == [.held, .failed, .newer(Version(counter: 9, writer: "n2/\u{e9}/\"q\"")), .newer(.zero),
                                                            .newerUnvouched(Version(counter: 3, writer: "n3/c/1"))])
        for entry in Self.entries {
            try expectReadsBack(ReadResponse(entry: entry))
            try expectReadsBack(WriteResponse(version: VersionMessage(entry?.version ?? .zero)))
        }
        try expectReadsBack(WriteRequest(key: "k", value: ""))
        try expectReadsBack(WriteRequest(key: "k", value: "v", requestId: "r-1"))
        try expectReadsBack(ReadRequest(key: "k\u{e9}"))
    }

    @Test func otherSpellingsTakeTheCodablePath() throws {
        let slowOnly: [(String, any ProtoJSONReadable.Type)] = [
            (#"{"counter":5,"writerId":"w"}"#, VersionMessage.self),            // int64 as a number
            (#"{"counter":"05","writerId":"w"}"#, VersionMessage.self),         // not the canonical digits
            (#"{"counter":"5","writer_id":"w"}"#, VersionMessage.self),         // the proto field name
            (#"{"key":null,"found":true}"#, ReplicaEntryMessage.self),          // null means unset
            (#"{"key":"k","found":true,"extra":1}"#, ReplicaEntryMessage.self), // unknown: an error
            (#"{"keys":"k"}"#, QueryRequest.self),                              // wrong type: an error
            (#"{"entries":[{"key":1}]}"#, StoreRequest.self),
            (#"[]"#, QueryResponse.self),
            (#"{"value":"v"}"#, WriteRequest.self),                             // missing key: an error
            (#"{"key":""}"#, ReadRequest.self),                                 // empty key: the service's call
            (#"{"key":"k","request_id":"r"}"#, WriteRequest.self),
            (#"{"found":"yes"}"#, ReadResponse.self),
        ]
        for (text, type) in slowOnly {
            #expect(type.init(canonicalJSON: try JSONParser.parse(Array(text.utf8))) == nil, "\(text)")
        }
        // The Codable path still reads the spellings proto3 JSON allows, and names the errors.
        let version = try ProtoJSONCodec.decode(VersionMessage.self, from: Array(#"{"counter":5,"writer_id":"w"}"#.utf8))
        #expect(version == VersionMessage(Version(counter: 5, writer: "w")))
        #expect(throws: ConnectError.self) { try ProtoJSONCodec.decode(ReplicaEntryMessage.self, from: Array(#"{"key":"k","extra":1}"#.utf8)) }
        #expect(throws: ConnectError.self) { try ProtoJSONCodec.decode(QueryRequest.self, from: Array(#"{"keys":"k"}"#.utf8)) }
        #expect(throws: ConnectError.self) { try ProtoJSONCodec.decode(WriteRequest.self, from: Array(#"{"value":"v"}"#.utf8)) }
        let snake = try ProtoJSONCodec.decode(WriteRequest.self, from: Array(#"{"key":"k","request_id":"r"}"#.utf8))
        #expect(snake == WriteRequest(key: "k", value: "", requestId: "r"))
    }
}
