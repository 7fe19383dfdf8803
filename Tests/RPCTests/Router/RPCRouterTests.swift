import Foundation
import Testing
@testable import RPC

struct RPCRouterTests {
    @Test func describesEveryRegisteredMethod() {
        let router = TestRouter.make()
        #expect(router.serviceNames == ["node.v1.Health", "node.v1.Diagnostics", "test.v1.Test", "node.v1.Reflection"])
        #expect(router.route(for: "/node.v1.Health/Check")?.info.isSideEffectFree == true)
        #expect(router.route(for: "/node.v1.Health/Nope") == nil)
        #expect(router.messageSchemas["node.v1.MethodDescription"] != nil)
    }

    @Test func reflectionListsItselfToo() async throws {
        let responder = TestRouter.responder()
        let response = await responder.respond(to: TestRouter.post("/node.v1.Reflection/ListServices", "{}"), peer: nil)
        let list = try ProtoJSONCodec.decode(NodeV1.ListServicesResponse.self, from: response.bodyBytes)
        #expect(list.services.map(\.name).contains("node.v1.Reflection"))
        let echo = list.services.first { $0.name == "node.v1.Diagnostics" }?.methods.first { $0.name == "Echo" }
        #expect(echo?.sideEffectFree == true)
        #expect(echo?.requestType == "node.v1.EchoMessage")
    }

    @Test func describeServiceIncludesNestedMessages() async throws {
        let responder = TestRouter.responder()
        let response = await responder.respond(to: TestRouter.post("/node.v1.Reflection/DescribeService", #"{"service":"node.v1.Reflection"}"#), peer: nil)
        let described = try ProtoJSONCodec.decode(NodeV1.DescribeServiceResponse.self, from: response.bodyBytes)
        let names = Set(described.messages.map(\.name))
        #expect(names.isSuperset(of: ["node.v1.ListServicesResponse", "node.v1.ServiceDescription", "node.v1.MethodDescription"]))
        let missing = await responder.respond(to: TestRouter.post("/node.v1.Reflection/DescribeService", #"{"service":"x.Y"}"#), peer: nil)
        #expect(missing.connectCode == "not_found")
    }

    @Test func openAPIDocumentCoversEveryMethod() throws {
        let router = TestRouter.make()
        let bytes = OpenAPIDocument.generate(router, title: "t", version: "1")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        for method in router.methods {
            let item = try #require(paths[method.path] as? [String: Any], "\(method.path) missing")
            #expect(item["post"] != nil)
            #expect((item["get"] != nil) == (method.isSideEffectFree && method.kind == .unary))
        }
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        #expect(schemas["connect.error"] != nil)
        #expect(schemas["node.v1.EchoMessage.request"] != nil)
    }

    /// Summaries and descriptions come from the .proto comments.
    @Test func openAPICarriesTheProtoComments() throws {
        let router = TestRouter.make()
        let bytes = OpenAPIDocument.generate(router, title: "t", version: "1")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        let echo = try #require((paths["/node.v1.Diagnostics/Echo"] as? [String: Any])?["post"] as? [String: Any])
        #expect(echo["summary"] as? String == "Returns the message after delay_ms (at most 60000).")
        #expect((echo["description"] as? String)?.contains("x-echo-*") == true)
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let check = try #require((schemas["node.v1.CheckResponse"] as? [String: Any])?["properties"] as? [String: Any])
        #expect((check["reason"] as? [String: Any])?["description"] as? String == "Why the node is NOT_SERVING; empty when SERVING.")
    }

    /// Operations of services that need a token declare it (bearer), as the authenticator decides.
    @Test func openAPIDeclaresTheBearerTokensServicesNeed() throws {
        let router = TestRouter.make()
        let authenticator = TokenAuthenticator(peerServices: ["node.v1.Diagnostics"], clusterToken: "s")
        let bytes = OpenAPIDocument.generate(router, title: "t", version: "1", security: { authenticator.requirement(for: $0) })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        func security(_ path: String) -> [[String: [String]]]? {
            ((paths[path] as? [String: Any])?["post"] as? [String: Any])?["security"] as? [[String: [String]]]
        }
        #expect(security("/node.v1.Diagnostics/Echo") == [["clusterToken": []]])
        #expect(security("/node.v1.Health/Check") == nil)
        let schemes = try #require((document["components"] as? [String: Any])?["securitySchemes"] as? [String: [String: String]])
        #expect(schemes["clusterToken"]?["scheme"] == "bearer" && schemes["clusterToken"]?["type"] == "http")
        // Without a cluster token nothing is required, so nothing is declared.
        #expect(TokenAuthenticator(peerServices: ["node.v1.Diagnostics"]).requirement(for: "node.v1.Diagnostics") == nil)
        #expect(TokenAuthenticator(clientTokens: ["a": "t"]).requirement(for: "x.v1.Y") == .clientToken)
    }
}
