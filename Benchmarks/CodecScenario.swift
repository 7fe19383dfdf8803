import Foundation
import RegisterCore
import RegisterService
import RPC

/// `node-bench codec`: the per-message work of a replica's hot path, in process and warm, in
/// nanoseconds per operation: HTTP heads parsed, peer messages decoded and encoded. No sockets,
/// so the figures move only when this code does (the cluster scenarios also pay wake-ups and fsync).
enum CodecScenario {
    /// One measured step: a name and the work, run `iterations` times.
    struct Step {
        let name: String
        let work: () async throws -> Void
    }

    static func run(iterations: Int = 200_000) async throws -> String {
        let entry = Entry(version: Version(counter: 41, writer: "n1/3kq9d2x1/1207"), value: String(repeating: "v", count: 100))
        let store = RegisterV1.StoreRequest(entries: [RegisterV1.ReplicaEntry(key: "key-000417", entry: entry)])
        let storeBody = try ProtoJSONCodec.encode(store)
        let answers = RegisterV1.OfferResponse(answers: [RegisterV1.OfferAnswer(.held)])
        let answerBody = try ProtoJSONCodec.encode(answers)
        let token = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        // What a peer's pooled transport sends (the cluster token as `HeaderTransport` adds it).
        let requestBytes = PooledSocketTransport.serialize(
            path: RegisterV1.Replica.offer.path, host: "127.0.0.1:41234", body: storeBody,
            options: CallOptions(headers: ["authorization": "Bearer \(token)"], sendTimeoutHeader: false), streaming: false)
        let responseBytes = HTTPResponseSerializer.serialize(
            HTTPResponse(status: .ok, headers: ["content-type": "application/json"], body: answerBody), keepAlive: true)

        var router = RPCRouter()
        router.register(RegisterV1.Replica.offer) { request, _ in
            RegisterV1.OfferResponse(answers: request.entries.map { _ in RegisterV1.OfferAnswer(.held) })
        }
        let authenticator = TokenAuthenticator(peerServices: [RegisterV1.Replica.name], clusterToken: token)
        let responder = ConnectResponder(router: router, metrics: MetricsRegistry()) { method, headers in
            try authenticator.admit(method: method, headers: headers)
        }
        var parsedRequest: HTTPRequest?
        var requestParser = HTTPRequestParser()
        var responseParser = HTTPResponseParser()
        let steps = [
            Step(name: "http request head+body (peer Offer)") {
                requestParser.append(requestBytes)
                guard case .request(let request) = requestParser.next(), request.body.count == storeBody.count else {
                    throw BenchError("request did not parse")
                }
                parsedRequest = request
            },
            Step(name: "connect unary call (route, auth, codec)") {
                guard let request = parsedRequest else { throw BenchError("no request") }
                let response = await responder.respond(to: request, peer: nil)
                guard HTTPResponseSerializer.serialize(response, keepAlive: true).count == responseBytes.count else {
                    throw BenchError("unexpected response \(response.status.code)")
                }
            },
            Step(name: "http response head+body (Offer answer)") {
                responseParser.append(responseBytes)
                guard case .head(let head) = try responseParser.next(), head.status == 200,
                      case .body(let body) = try responseParser.next(), body.count == answerBody.count,
                      case .end = try responseParser.next() else { throw BenchError("response did not parse") }
                responseParser.reset()
            },
            Step(name: "decode RegisterV1.StoreRequest (1 entry)") {
                guard try ProtoJSONCodec.decode(RegisterV1.StoreRequest.self, from: storeBody).entries.count == 1 else { throw BenchError("decode") }
            },
            Step(name: "encode RegisterV1.StoreRequest (1 entry)") {
                guard try ProtoJSONCodec.encode(store).count == storeBody.count else { throw BenchError("encode") }
            },
            Step(name: "decode RegisterV1.OfferResponse") {
                guard try ProtoJSONCodec.decode(RegisterV1.OfferResponse.self, from: answerBody).answers.count == 1 else { throw BenchError("decode") }
            },
            Step(name: "encode RegisterV1.OfferResponse") {
                guard try ProtoJSONCodec.encode(answers).count == answerBody.count else { throw BenchError("encode") }
            },
        ]
        var lines = [pad("step", 42) + pad("ns/op", 10, left: true)]
        lines.append(String(repeating: "-", count: 52))
        for step in steps {
            for _ in 0..<1_000 { try await step.work() }
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<iterations { try await step.work() }
            let elapsed = clock.now - start
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            lines.append(pad(step.name, 42) + pad(String(format: "%.0f", nanoseconds / Double(iterations)), 10, left: true))
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? fill + text : text + fill
    }
}
