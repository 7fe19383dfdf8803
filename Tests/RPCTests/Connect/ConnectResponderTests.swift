import Foundation
import Testing
@testable import RPC
import Synchronization

struct ConnectResponderTests {
    let responder = TestRouter.responder()

    func send(_ request: HTTPRequest) async -> HTTPResponse {
        await responder.respond(to: request, peer: nil)
    }

    @Test func unaryCallSucceeds() async {
        let response = await send(TestRouter.post("/node.v1.Diagnostics/Echo", #"{"message":"hi"}"#))
        #expect(response.status == .ok)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.text == #"{"message":"hi"}"#)
    }

    /// The binary codec of default Connect clients: the response uses the request's codec.
    @Test func binaryProtobufCallsAreAnsweredInBinary() async {
        var request = TestRouter.post("/node.v1.Diagnostics/Echo", "", headers: ["content-type": "application/proto"])
        request.body = [0x0A, 0x02] + Array("hi".utf8)
        let response = await send(request)
        #expect(response.status == .ok)
        #expect(response.headers["content-type"] == "application/proto")
        #expect(response.bodyBytes == [0x0A, 0x02] + Array("hi".utf8))
        // GET with encoding=proto: the message base64url-encoded (here an empty CheckRequest).
        let get = await send(HTTPRequest(method: "GET", target: "/node.v1.Health/Check?connect=v1&encoding=proto&base64=1&message=",
                                         headers: ["host": "x"]))
        #expect(get.status == .ok && get.headers["content-type"] == "application/proto")
        #expect(get.bodyBytes.first == 0x08)  // field 1 (status), a varint
        // Malformed binary input is invalid_argument, in the JSON error body Connect always uses.
        request.body = [0x0A, 0x7F]
        let bad = await send(request)
        #expect(bad.status.code == 400 && bad.connectCode == "invalid_argument")
        #expect(bad.headers["content-type"] == "application/json")
    }

    @Test func charsetParameterIsTolerated() async {
        let response = await send(TestRouter.post("/node.v1.Health/Check", "{}", headers: ["content-type": "application/json; charset=utf-8"]))
        #expect(response.status == .ok)
    }

    @Test(arguments: [
        ("application/json", true), ("Application/JSON", true), ("  application/json ; charset=utf-8", true),
        ("application/json;", true), ("application/jsonx", false), ("application/js", false), ("", false),
        ("application/connect+json", false), ("text/plain; application/json", false),
    ])
    func mediaTypeIsMatchedWithoutRegardToCase(contentType: String, accepted: Bool) {
        #expect(ConnectCall.isSupported(contentType, streaming: false) == accepted)
    }

    @Test func streamingMediaType() {
        #expect(ConnectCall.isSupported("APPLICATION/CONNECT+JSON", streaming: true))
        #expect(ConnectCall.codec(of: "application/connect+proto", streaming: true) == .proto)
        #expect(ConnectCall.codec(of: "application/proto", streaming: false) == .proto)
        #expect(!ConnectCall.isSupported("application/proto", streaming: true))
        #expect(!ConnectCall.isSupported("application/json", streaming: true))
    }

    @Test func unknownPathIs404() async {
        let response = await send(TestRouter.post("/nope.v1.X/Y", "{}"))
        #expect(response.status.code == 404)
        #expect(response.connectCode == "unimplemented")
    }

    @Test func wrongMethodIs405WithAllow() async {
        let put = HTTPRequest(method: "PUT", target: "/node.v1.Health/Check", headers: ["host": "x"])
        let response = await send(put)
        #expect(response.status.code == 405)
        #expect(response.headers["allow"] == "GET, POST")
        let get = HTTPRequest(method: "GET", target: "/test.v1.Test/Fail?encoding=json&message=%7B%7D", headers: ["host": "x"])
        let getResponse = await send(get)
        #expect(getResponse.status.code == 405)
        #expect(getResponse.headers["allow"] == "POST")
    }

    @Test func unsupportedCodecIs415() async {
        let response = await send(TestRouter.post("/node.v1.Health/Check", "x", headers: ["content-type": "application/xml"]))
        #expect(response.status.code == 415)
        #expect(response.headers["accept-post"] == "application/json, application/proto")
        #expect(response.bodyBytes.isEmpty)
        let missing = await send(TestRouter.post("/node.v1.Health/Check", "{}", headers: [:]))
        #expect(missing.status.code == 415)
    }

    @Test func getWithPlainAndBase64Messages() async {
        let plain = HTTPRequest(method: "GET", target: "/node.v1.Diagnostics/Echo?connect=v1&encoding=json&message=%7B%22message%22%3A%22g%22%7D", headers: ["host": "x"])
        #expect(await send(plain).text == #"{"message":"g"}"#)
        let encoded = Data(#"{"message":"b"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let b64 = HTTPRequest(method: "GET", target: "/node.v1.Diagnostics/Echo?message=\(encoded)&base64=1&encoding=json&connect=v1", headers: ["host": "x"])
        #expect(await send(b64).text == #"{"message":"b"}"#)
        let noEncoding = HTTPRequest(method: "GET", target: "/node.v1.Diagnostics/Echo?message=%7B%7D", headers: ["host": "x"])
        #expect(await send(noEncoding).status.code == 415)
    }

    @Test func protocolVersionAndTimeoutHeadersAreValidated() async {
        var headers: HTTPHeaders = ["content-type": "application/json", "connect-protocol-version": "2"]
        #expect(await send(TestRouter.post("/node.v1.Health/Check", "{}", headers: headers)).connectCode == "invalid_argument")
        headers = ["content-type": "application/json", "connect-protocol-version": "1", "connect-timeout-ms": ""]
        #expect(await send(TestRouter.post("/node.v1.Health/Check", "{}", headers: headers)).connectCode == "invalid_argument")
        headers = ["content-type": "application/json", "connect-timeout-ms": "12345678901"]
        #expect(await send(TestRouter.post("/node.v1.Health/Check", "{}", headers: headers)).connectCode == "invalid_argument")
        headers = ["content-type": "application/json", "connect-timeout-ms": "5000"]
        #expect(await send(TestRouter.post("/node.v1.Health/Check", "{}", headers: headers)).status == .ok)
    }

    /// The outcome, not the time: a handler that never answers gets `deadline_exceeded`, and its
    /// task was cancelled (and had finished) by the time the response exists.
    @Test func deadlineCancelsTheHandler() async {
        let headers: HTTPHeaders = ["content-type": "application/json", "connect-timeout-ms": "50"]
        let response = await send(TestRouter.post("/test.v1.Test/Hang", #"{"message":"deadline-test"}"#, headers: headers))
        #expect(response.status.code == 504)
        #expect(response.connectCode == "deadline_exceeded")
        #expect(TestRouter.cancellations.withLock { $0["deadline-test"] } == 1)
    }

    /// A delay past the cap is refused at once rather than parking a handler (schemathesis sent 9.2e18).
    @Test func echoRefusesDelaysOverTheCap() async {
        let huge = await send(TestRouter.post("/node.v1.Diagnostics/Echo", #"{"delayMs":"9223372036854775806"}"#))
        #expect(huge.connectCode == "invalid_argument")
        #expect(huge.text.contains("delayMs"))
        #expect(await send(TestRouter.post("/node.v1.Diagnostics/Echo", #"{"delayMs":60000}"#,
                                           headers: ["content-type": "application/json", "connect-timeout-ms": "1"])).connectCode == "deadline_exceeded")
    }

    @Test func handlerErrorsKeepTheirCodeAndHeaders() async {
        let response = await send(TestRouter.post("/test.v1.Test/Fail", #"{"message":"v6"}"#))
        #expect(response.status.code == 400)
        #expect(response.connectCode == "failed_precondition")
        #expect(response.headers["content-type"] == "application/json")
        let crash = await send(TestRouter.post("/test.v1.Test/Crash", "{}"))
        #expect(crash.status.code == 500)
        #expect(crash.connectCode == "internal")
        #expect(!crash.text.contains("Unexpected"))
    }

    @Test func badJSONIsInvalidArgumentNamingTheProblem() async {
        let response = await send(TestRouter.post("/node.v1.Diagnostics/Echo", #"{"message":5}"#))
        #expect(response.connectCode == "invalid_argument")
        #expect(response.text.contains("message"))
        let unknown = await send(TestRouter.post("/node.v1.Diagnostics/Echo", #"{"mesage":"typo"}"#))
        #expect(unknown.text.contains("mesage"))
        let missing = await send(TestRouter.post("/node.v1.Reflection/DescribeService", "{}"))
        #expect(missing.text.contains("missing required field"))
    }

    @Test func gzipRequestsAreInflatedAndLargeResponsesCompressed() async throws {
        let body = GzipCodec.deflate(Array(#"{"message":"zipped"}"#.utf8))
        var request = TestRouter.post("/node.v1.Diagnostics/Echo", "")
        request.body = body
        request.headers.add("content-encoding", "gzip")
        #expect(await send(request).text == #"{"message":"zipped"}"#)

        var big = TestRouter.post("/test.v1.Test/Big", "{}")
        big.headers.add("accept-encoding", "gzip, identity")
        let response = await send(big)
        #expect(response.headers["content-encoding"] == "gzip")
        #expect(response.headers["trailer-x-count"] == "3")
        let inflated = try GzipCodec.inflate(response.bodyBytes, limit: 1 << 20)
        #expect(inflated.count > 5000)

        var brotli = TestRouter.post("/node.v1.Health/Check", "{}")
        brotli.headers.add("content-encoding", "br")
        #expect(await send(brotli).connectCode == "unimplemented")
    }

    @Test func oversizeInflatedBodyIsResourceExhausted() async {
        let responder = TestRouter.responder(maxBodyBytes: 1000)
        var request = TestRouter.post("/node.v1.Diagnostics/Echo", "")
        request.body = GzipCodec.deflate(Array(("{\"message\":\"" + String(repeating: "a", count: 5000) + "\"}").utf8))
        request.headers.add("content-encoding", "gzip")
        let response = await responder.respond(to: request, peer: nil)
        #expect(response.connectCode == "resource_exhausted")
        #expect(response.status.code == 429)
    }

    @Test func metricsCountCallsByCode() async {
        let metrics = MetricsRegistry()
        let responder = ConnectResponder(router: TestRouter.make(), metrics: metrics)
        _ = await responder.respond(to: TestRouter.post("/node.v1.Health/Check", "{}"), peer: nil)
        _ = await responder.respond(to: TestRouter.post("/test.v1.Test/Fail", "{}"), peer: nil)
        let text = metrics.render()
        #expect(text.contains(#"replnode_rpc_requests_total{method="/node.v1.Health/Check",code="ok"} 1"#))
        #expect(text.contains(#"replnode_rpc_requests_total{method="/test.v1.Test/Fail",code="failed_precondition"} 1"#))
        #expect(text.contains(#"replnode_rpc_duration_seconds_count{method="/node.v1.Health/Check"} 1"#))
    }

    @Test func streamingCallsAreEnveloped() async throws {
        var request = TestRouter.post("/node.v1.Diagnostics/Ticks", "", headers: ["content-type": "application/connect+json"])
        request.body = ConnectEnvelope.frame(Array(#"{"message":"t","count":3}"#.utf8))
        let response = await send(request)
        #expect(response.status == .ok)
        #expect(response.headers["content-type"] == "application/connect+json")
        guard case .stream(let chunks) = response.body else { Issue.record("not a stream"); return }
        var reader = ConnectEnvelope.FrameReader()
        for await chunk in chunks { reader.append(chunk) }
        var messages: [String] = []
        var ended = false
        while let frame = try reader.next() {
            if frame.isEndStream { ended = ConnectEnvelope.parseEndStream(frame.payload).0 == nil } else {
                messages.append(String(decoding: frame.payload, as: UTF8.self))
            }
        }
        #expect(messages == [#"{"message":"t0"}"#, #"{"message":"t1"}"#, #"{"message":"t2"}"#])
        #expect(ended)
    }
}
