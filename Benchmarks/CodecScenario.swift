import BulletinService
import Foundation
import LogReplica
import RegisterCore
import RegisterService
import ReplicatedLog
import RPC

/// `node-bench codec`: the per-message work of a replica's hot path, in process and warm, in
/// nanoseconds per operation: HTTP heads parsed, and the hot messages (register Store, Offer and
/// Query, bulletin Post, a Raft append of 8 entries) decoded and encoded in both codecs. No
/// sockets, so the figures move only when this code does (the cluster scenarios also pay
/// wake-ups and fsync).
enum CodecScenario {
    /// One measured step: a name and the work, run `iterations` times.
    struct Step {
        let name: String
        let work: () async throws -> Void
    }

    static func run(iterations: Int = 200_000) async throws -> String {
        let entry = Entry(version: Version(counter: 41, writer: "n1/3kq9d2x1/1207"), value: String(repeating: "v", count: 100))
        let store = RegisterV1.StoreRequest(entries: [RegisterV1.ReplicaEntry(key: "key-000417", entry: entry)])
        let storeBody = try store.encodeJSON()
        let answers = RegisterV1.OfferResponse(answers: [RegisterV1.OfferAnswer(.held)])
        let answerBody = try answers.encodeJSON()
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
        ]
        let append = RaftMessage.appendEntries(term: 7, prevIndex: 1_204, prevTerm: 7, entries: (1...8).map {
            LogEntry(term: 7, index: 1_204 + UInt64($0), data: Array(#"{"post":{"author":"ann","title":"t","body":"\#(String(repeating: "b", count: 80))"}}"#.utf8))
        }, commit: 1_203, round: 88)
        let messages: [(String, any GeneratedMessage)] = [
            ("register StoreRequest (1 entry)", store),
            ("register OfferResponse", answers),
            ("register QueryRequest (4 keys)", RegisterV1.QueryRequest(keys: ["key-000417", "key-000418", "key-000419", "key-000420"])),
            ("bulletin PostRequest", BulletinV1.PostRequest(author: "ann", title: "A title", body: String(repeating: "b", count: 200),
                                                            requestId: "5b0f6a9e-1c2d-4e3f-8a7b-6c5d4e3f2a1b")),
            ("log StepRequest (append, 8 entries)", LogV1.StepRequest(from: "n1", messages: .init([append]))),
        ]
        var allSteps = steps
        for (name, message) in messages { allSteps += codecSteps(name, message) }
        var lines = [pad("step", 52) + pad("ns/op", 10, left: true)]
        lines.append(String(repeating: "-", count: 62))
        for step in allSteps {
            for _ in 0..<1_000 { try await step.work() }
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<iterations { try await step.work() }
            let elapsed = clock.now - start
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            lines.append(pad(step.name, 52) + pad(String(format: "%.0f", nanoseconds / Double(iterations)), 10, left: true))
        }
        return lines.joined(separator: "\n")
    }

    /// Decode and encode of one message in each codec; each step checks its result.
    static func codecSteps<M: GeneratedMessage>(_ name: String, _ message: M) -> [Step] {
        WireCodec.allCases.flatMap { codec -> [Step] in
            let body = (try? message.encode(codec: codec)) ?? []
            return [
                Step(name: "decode \(name) \(codec.rawValue)") {
                    guard try M.decode(body, codec: codec) == message else { throw BenchError("decode \(name)") }
                },
                Step(name: "encode \(name) \(codec.rawValue)") {
                    guard try message.encode(codec: codec).count == body.count else { throw BenchError("encode \(name)") }
                },
            ]
        }
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? fill + text : text + fill
    }
}
