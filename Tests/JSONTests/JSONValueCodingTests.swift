import JSON
import Testing

private struct Inner: Codable, Equatable {
    var name: String
    var weight: Double
}

private enum Color: String, Codable { case red, green }

private struct Outer: Codable, Equatable {
    var id: Int64
    var small: UInt8
    var flag: Bool
    var note: String?
    var tags: [String]
    var inner: Inner
    var many: [Inner]
    var map: [String: Int]
    var color: Color
    var nested: [[Int32]]
}

struct JSONValueCodingTests {
    private let sample = Outer(id: 9_007_199_254_740_993, small: 200, flag: true, note: nil, tags: ["a", "b"],
                               inner: Inner(name: "x", weight: 1.5), many: [Inner(name: "y", weight: -2)],
                               map: (0..<30).reduce(into: [:]) { $0["k\(String(describing: $1))"] = $1 }, color: .green, nested: [[1, 2], []])

    @Test func synthesizedCodableRoundTrips() throws {
        let bytes = try JSONValueEncoder.bytes(sample)
        #expect(try JSONValueDecoder.decode(Outer.self, from: bytes) == sample)
        // Fields in declaration order, 64-bit integers exact, nil omitted.
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"id":9007199254740993,"small":200,"flag":true,"tags":["a","b"],"inner":{"name":"x","weight":1.5}"#))
    }

    @Test func integersAreExact() throws {
        #expect(try JSONValueDecoder.decode(Int64.self, from: Array("9223372036854775807".utf8)) == .max)
        #expect(try JSONValueDecoder.decode(Int32.self, from: Array("2.0".utf8)) == 2)
        #expect(try JSONValueDecoder.decode(Int.self, from: Array("1e2".utf8)) == 100)
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(Int.self, from: Array("1.5".utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(UInt8.self, from: Array("256".utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(Int64.self, from: Array("9223372036854775808".utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(UInt32.self, from: Array("-1".utf8)) }
    }

    @Test func errorsCarryTheCodingPath() throws {
        var value = try JSONValueEncoder.encode(sample)
        guard case .object(var object) = value, let index = object.fields.firstIndex(where: { $0.key == "many" }) else {
            Issue.record("not an object")
            return
        }
        object.fields[index].value = .array([.object(JSONObject([JSONField("name", .number("1")), JSONField("weight", .number("1"))]))])
        value = .object(object)
        do {
            _ = try JSONValueDecoder(value).decode(Outer.self)
            Issue.record("decoded a number as a string")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["many", "0", "name"])
        }
        do {
            _ = try JSONValueDecoder.decode(Inner.self, from: Array(#"{"name":"n"}"#.utf8))
            Issue.record("decoded without a required key")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "weight")
        }
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(Inner.self, from: Array(#"{"name":null,"weight":1}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder.decode(Color.self, from: Array(#""blue""#.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONValueDecoder.decode(Inner.self, from: Array("{".utf8)) }
    }

    @Test func nonFiniteDoublesAreStrings() throws {
        let text = String(decoding: try JSONValueEncoder.bytes([Double.nan, .infinity, 0.1]), as: UTF8.self)
        #expect(text == #"["NaN","Infinity",0.1]"#)
    }

    @Test func aTypeThatEncodesNothingIsAnEmptyObject() throws {
        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(try JSONValueEncoder.bytes(Nothing()) == Array("{}".utf8))
    }

    @Test func jsonValueIsCodableThroughItself() throws {
        let value = JSONValue.array([.string("a"), .number("1"), .object(JSONObject([JSONField("b", .null)]))])
        #expect(try JSONValueDecoder(value).decode(JSONValue.self) == value)
        #expect(try JSONValueEncoder.encode(value) == value)
    }
}
