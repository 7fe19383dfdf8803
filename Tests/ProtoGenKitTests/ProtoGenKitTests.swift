import Foundation
import Testing
@testable import ProtoGenKit

/// The .proto reader and the Swift generator.
struct ProtoGenKitTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func sampleSet() throws -> ProtoSchemaSet {
        let sample = try String(contentsOf: root.appending(path: "Tests/WireTests/Protos/sample/v1/sample.proto"), encoding: .utf8)
        let rules = try String(contentsOf: root.appending(path: "Protocols/node/v1/rules.proto"), encoding: .utf8)
        return try ProtoSchemaSet(files: [try ProtoParser.parse(sample, path: "sample/v1/sample.proto"),
                                          try ProtoParser.parse(rules, path: "node/v1/rules.proto")],
                                  modules: ["sample/v1/sample.proto": "WireTests"])
    }

    /// The generated code for the sample WireTests compiles (from its Protos/ at build time) and
    /// exercises, word for word (when the generator changes on purpose, write the new text to the
    /// golden file: `ProtoGen --root Protocols --manifest Protocols/swift-modules.txt --module
    /// WireTests --local-root Tests/WireTests/Protos --output /tmp/x`).
    @Test func generatesTheGoldenSample() throws {
        let set = try Self.sampleSet()
        let file = try #require(set.files.first { $0.path == "sample/v1/sample.proto" })
        let generated = try SwiftGenerator(set: set).generate(file)
        let golden = try String(contentsOf: Self.root.appending(path: "Tests/ProtoGenKitTests/Golden/sample.v1.sample.pb.swift.golden"), encoding: .utf8)
        #expect(generated == golden)
    }

    @Test func readsMessagesServicesAndOptions() throws {
        let set = try Self.sampleSet()
        let book = try #require(set.messages["sample.v1.Book"])
        #expect(book.comment == "A book on the shelf.")
        #expect(book.fields.map(\.name) == ["id", "pages", "genre", "tags", "ratings", "edition", "sequel", "chapters", "cover",
                                             "weight", "serial", "lent", "marks", "delta", "offset", "crc", "stamp", "tilt", "drift",
                                             "ratio", "deltas", "labels"])
        #expect(book.fields.last?.type == .map(key: .fixed32, value: .scalar(.string)))
        #expect(book.fields[0].rules.required && book.fields[0].rules.pattern == "^[a-z]+$")
        #expect(book.fields[1].rules.minimum == 1)
        #expect(book.fields[2].type == .enumeration("sample.v1.Genre"))
        #expect(book.fields[4].type == .map(key: .string, value: .scalar(.int64)))
        #expect(book.fields[5].label == .optional)
        #expect(book.fields[7].type == .message("sample.v1.Book.Chapter"))
        #expect(set.messages["sample.v1.Book.Chapter"]?.fields[1].type == .enumeration("sample.v1.Book.Chapter.Kind"))
        let shelf = try #require(set.files.first?.services.first)
        #expect(shelf.methods.map(\.name) == ["Put", "Get", "Watch"])
        #expect(shelf.methods.map(\.idempotency) == ["IDEMPOTENCY_UNKNOWN", "NO_SIDE_EFFECTS", "NO_SIDE_EFFECTS"])
        #expect(shelf.methods.map(\.serverStreaming) == [false, false, true])
        #expect(shelf.methods[0].comment == "Adds a book.")
        #expect(set.files.first?.enums.first?.values.map(\.comment) == ["", "Made up.", ""])
    }

    @Test func namesFollowSwiftConventions() {
        #expect(SwiftNames.namespace("register.v1") == "RegisterV1")
        #expect(SwiftNames.enumCase("POOL_STATE_UNSPECIFIED", enumName: "PoolState") == "unspecified")
        #expect(SwiftNames.enumCase("NOT_SERVING", enumName: "ServingStatus") == "notServing")
        #expect(SwiftNames.property("default") == "`default`")
        #expect(SwiftGenerator.outputName("log/v1/log.proto") == "log.v1.log.pb.swift")
    }

    @Test(arguments: [
        ("syntax = \"proto2\";", "only proto3"),
        ("message A { oneof x { string a = 1; } }", "\"oneof\" is not supported"),
        ("message A { string a = 1; int32 b = 1; }", "field number twice"),
        ("message A { string a = 0; }", "invalid number"),
        ("message A { B b = 1; }", "unknown type B"),
        ("enum E { A = 1; }", "must be 0"),
        ("service S { rpc M(stream A) returns (A); } message A {}", "client streaming"),
        ("message A { string a = 1 [(node.v1.rules).nope = 1]; }", "unknown rule"),
        ("message A { string a = \"x", "unclosed string"),
    ])
    func refusesWhatItCannotGenerate(source: String, problem: String) {
        let text = source.hasPrefix("syntax") ? source : "syntax = \"proto3\"; package t.v1;\n" + source
        do {
            _ = try ProtoSchemaSet(files: [try ProtoParser.parse(text, path: "t.proto")], modules: [:])
            Issue.record("accepted: \(source)")
        } catch {
            #expect(error.description.contains(problem), "\(error)")
        }
    }
}
