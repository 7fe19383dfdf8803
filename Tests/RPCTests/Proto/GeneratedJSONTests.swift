import Testing
@testable import RPC

/// The generated proto3 JSON reader and writer, through node.v1's messages: every spelling
/// proto3 JSON allows is read, everything it forbids is `invalid_argument` naming the field.
struct GeneratedJSONTests {
    func decode<M: GeneratedMessage>(_ type: M.Type, _ json: String) throws(ConnectError) -> M {
        try M.decodeJSON(Array(json.utf8))
    }

    func error<M: GeneratedMessage>(_ type: M.Type, _ json: String) -> ConnectError? {
        do { _ = try M.decodeJSON(Array(json.utf8)); return nil } catch { return error }
    }

    @Test func encodesCanonicalProtoJSON() throws {
        let response = NodeV1.CheckResponse(status: .notServing, role: "register", nodeId: "n1")
        // Fields in .proto order, defaults left out, enums by name.
        #expect(String(decoding: try response.encodeJSON(), as: UTF8.self) == #"{"status":"NOT_SERVING","role":"register","nodeId":"n1"}"#)
        let echo = NodeV1.EchoMessage(message: "m", delayMs: 9_007_199_254_740_993)
        #expect(String(decoding: try echo.encodeJSON(), as: UTF8.self) == #"{"message":"m","delayMs":"9007199254740993"}"#)
        #expect(try NodeV1.CheckRequest().encodeJSON() == Array("{}".utf8))
    }

    @Test func acceptsEveryProtoJSONSpelling() throws {
        let a = try decode(NodeV1.TicksRequest.self, #"{"message":"m","interval_ms":12,"count":3.0}"#)
        #expect(a == NodeV1.TicksRequest(message: "m", count: 3, intervalMs: 12))
        let b = try decode(NodeV1.TicksRequest.self, #"{"intervalMs":"9007199254740993","count":"1e2","message":null}"#)
        #expect(b == NodeV1.TicksRequest(count: 100, intervalMs: 9_007_199_254_740_993))
        #expect(try decode(NodeV1.CheckResponse.self, #"{"status":1}"#).status == .serving)
        #expect(try decode(NodeV1.CheckResponse.self, #"{"status":"NOT_SERVING","node_id":"n"}"#) == NodeV1.CheckResponse(status: .notServing, nodeId: "n"))
        #expect(try decode(NodeV1.EchoMessage.self, #"{"delayMs":-9223372036854775808}"#).delayMs == .min)
        let nested = try decode(NodeV1.ServiceDescription.self, #"{"name":"s","methods":[{"name":"M","side_effect_free":true}]}"#)
        #expect(nested.methods == [NodeV1.MethodDescription(name: "M", sideEffectFree: true)])
    }

    @Test func rejectsWhatProtoJSONRejects() {
        #expect(error(NodeV1.TicksRequest.self, #"{"unknown":1}"#)?.message == "unknown field \"unknown\" in node.v1.TicksRequest")
        #expect(error(NodeV1.ListServicesRequest.self, #"{"x":null}"#)?.message == "unknown field \"x\" in node.v1.ListServicesRequest")
        #expect(error(NodeV1.DescribeServiceRequest.self, #"{}"#)?.message == "missing required field \"service\"")
        #expect(error(NodeV1.DescribeServiceRequest.self, #"{"service":""}"#)?.message == "missing required field \"service\"")
        #expect(error(NodeV1.TicksRequest.self, #"{"count":1.5}"#)?.message.contains("count") == true)
        #expect(error(NodeV1.TicksRequest.self, #"{"count":3000000000}"#)?.message.contains("out of range") == true)
        #expect(error(NodeV1.EchoMessage.self, #"{"delayMs":-9223372036854775809}"#)?.code == .invalidArgument)
        #expect(error(NodeV1.EchoMessage.self, #"{"delayMs":"9223372036854775808"}"#)?.code == .invalidArgument)
        #expect(error(NodeV1.CheckResponse.self, #"{"status":true}"#)?.message.contains("status") == true)
        #expect(error(NodeV1.CheckResponse.self, #"{"status":"NOPE"}"#)?.message.contains("NOPE") == true)
        #expect(error(NodeV1.CheckResponse.self, #"{"status":7}"#)?.code == .invalidArgument)
        #expect(error(NodeV1.CheckRequest.self, #"{"service":7}"#)?.message.contains("service") == true)
        #expect(error(NodeV1.MethodDescription.self, #"{"sideEffectFree":1}"#)?.message.contains("sideEffectFree") == true)
        #expect(error(NodeV1.ServiceDescription.self, #"{"methods":{}}"#)?.message.contains("methods") == true)
        #expect(error(NodeV1.ServiceDescription.self, #"{"methods":[null]}"#)?.code == .invalidArgument)
        #expect(error(NodeV1.CheckRequest.self, "[1]")?.code == .invalidArgument)
        #expect(error(NodeV1.CheckRequest.self, #"{"service":"m""#)?.message.contains("not valid JSON") == true)
        #expect(error(NodeV1.CheckRequest.self, "nonsense")?.code == .invalidArgument)
    }

    @Test func aFieldMayBeGivenUnderOneSpellingOnly() throws {
        #expect(try decode(NodeV1.CheckResponse.self, #"{"node_id":"proto"}"#).nodeId == "proto")
        #expect(error(NodeV1.CheckResponse.self, #"{"nodeId":"json","node_id":"proto"}"#)?.message.contains("given twice") == true)
        #expect(error(NodeV1.CheckResponse.self, #"{"nodeId":null,"node_id":"proto"}"#)?.message.contains("given twice") == true)
    }

    @Test func emptyBodyIsAnEmptyMessage() throws {
        #expect(try NodeV1.CheckRequest.decodeJSON([]) == NodeV1.CheckRequest())
    }

    @Test func jsonNamesFollowProtoc() {
        #expect(FieldSchema.lowerCamel("member_id") == "memberId")
        #expect(FieldSchema.lowerCamel("a_b_c") == "aBC")
        #expect(FieldSchema.lowerCamel("plain") == "plain")
    }
}
