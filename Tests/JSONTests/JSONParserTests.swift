import JSON
import ReplicaMath
import Testing

private func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

private func rejects(_ text: String) -> Bool {
    do { _ = try parse(text); return false } catch { return true }
}

struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}, "e": ""} "#)
        let expected = JSONValue.object(JSONObject([
            JSONField("a", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
            JSONField("b", .object(JSONObject([JSONField("c", .string("d"))]))),
            JSONField("e", .string("")),
        ]))
        #expect(value == expected)
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object(JSONObject()))
        #expect(try parse("0") == .number("0"))
        #expect(try parse(#""x""#) == .string("x"))
    }

    @Test func decodesEscapesAndUnicode() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u00e9\u4e2d""#) == .string("é中"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse("\"héllo 中文 😀\"") == .string("héllo 中文 😀"))
    }

    @Test func rejectsWhatRFC8259Rejects() {
        for text in ["", " ", "{", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "01", "-", "1.", ".5", "1e", "+1",
                     "NaN", "Infinity", "tru", "nulll", "[1 2]", "{\"a\" 1}", "\"abc", "\"a\u{1}b\"", #""\x""#,
                     #""\u12G4""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "1 2", "[1]]", "/* c */ 1",
                     #"{"a":1,"a":2}"#] {
            #expect(rejects(text), "accepted \(text.debugDescription)")
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0x5C, 0x6E, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        #expect(rejects(deep))
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(!rejects(fine))
    }

    @Test func reportsWhereItFailed() {
        do {
            _ = try parse(#"{"a": tru}"#)
            Issue.record("accepted")
        } catch {
            #expect(error.offset == 6)
            #expect(error.description.contains("literal"))
        }
    }

    @Test func duplicateKeysInLargeObjectsAreFound() {
        let keys = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(!rejects("{\(keys)}"))
        #expect(rejects("{\(keys),\"k7\":1}"))
    }

    /// Whatever bytes arrive, the parser answers (a value or an error) and never traps.
    @Test func neverTrapsOnMutatedInput() {
        let seed = Array(#"{"a":[1,-2.5e3,"x\u00e9\n",true,null],"b":{"c":""}}"#.utf8)
        var generator = SeededGenerator(seed: 7)
        func next() -> Int { Int(truncatingIfNeeded: generator.next() >> 33) }
        for _ in 0..<5000 {
            var bytes = seed
            for _ in 0..<(1 + next() % 4) {
                switch next() % 3 {
                case 0: bytes[next() % bytes.count] = UInt8(truncatingIfNeeded: next())
                case 1: bytes.remove(at: next() % bytes.count)
                default: bytes.insert(UInt8(truncatingIfNeeded: next()), at: next() % bytes.count)
                }
                if bytes.isEmpty { bytes = seed }
            }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test func writerOutputParsesBackToTheSameValue() throws {
        let value = JSONValue.object(JSONObject([
            JSONField("text", .string("quote \" backslash \\ newline \n tab \t bell \u{7} é 😀")),
            JSONField("list", .array([.number("12"), .number("-0.5"), .bool(true), .null])),
            JSONField("nested", .object(JSONObject([JSONField("", .string(""))]))),
        ]))
        let bytes = JSONWriter.bytes(value)
        #expect(try JSONParser.parse(bytes) == value)
        #expect(String(decoding: JSONWriter.bytes(.string("a\u{1}b")), as: UTF8.self) == #""a\u0001b""#)
    }

    @Test func doublesHaveJSONForms() {
        #expect(JSONWriter.number(3) == .number("3"))
        #expect(JSONWriter.number(-0.25) == .number("-0.25"))
        #expect(JSONWriter.number(.nan) == .string("NaN"))
        #expect(JSONWriter.number(-.infinity) == .string("-Infinity"))
        if case .number(let text) = JSONWriter.number(1e300) { #expect(Double(text) == 1e300) } else { Issue.record("not a number") }
    }
}
