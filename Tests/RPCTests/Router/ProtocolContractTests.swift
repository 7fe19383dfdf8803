import Testing
import TestSupport
@testable import RPC

/// The `.proto` files, the router's registry and the OpenAPI document must describe the same API.
struct ProtocolContractTests {
    @Test func builtInServicesMatchProtocolsNodeV1() throws {
        var router = RPCRouter()
        router.register(HealthService(role: "r", nodeId: "n", version: "v"))
        router.register(DiagnosticsService())
        ReflectionService.install(on: &router)
        let problems = try ProtoContract.problems(router: router, services: router.serviceNames)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The checker itself must notice drift.
    @Test func checkerDetectsDrift() throws {
        let wrong = RPCMethod<NodeV1.EchoMessage, NodeV1.CheckResponse>("node.v1.Diagnostics", "Echo", idempotency: .noSideEffects)
        var router = RPCRouter()
        router.register(wrong) { _, _ in NodeV1.CheckResponse(status: .serving, role: "", nodeId: "", version: "") }
        let problems = try ProtoContract.problems(router: router, services: ["node.v1.Diagnostics"])
        #expect(problems.contains { $0.contains("response node.v1.CheckResponse vs node.v1.EchoMessage") })
        #expect(problems.contains { $0.contains("Ticks is declared but not registered") })
    }

    @Test func protoParserReadsServicesAndFields() throws {
        let file = try ProtoFile.parse("""
        syntax = "proto3"; package a.v1;
        // comment
        service S { rpc M(Req) returns (stream Res) { option idempotency_level = NO_SIDE_EFFECTS; } rpc N(Req) returns (Res); }
        message Req { repeated string tags = 1; map<string, Res> byName = 2; optional int64 n = 3; }
        enum E { A = 0; B = 1; }
        """)
        #expect(file.services["a.v1.S"]?.count == 2)
        #expect(file.services["a.v1.S"]?.first?.streaming == true)
        #expect(file.services["a.v1.S"]?.first?.idempotency == "NO_SIDE_EFFECTS")
        #expect(file.messages["a.v1.Req"]?.map(\.type) == ["string", "map<string, a.v1.Res>", "int64"])
        #expect(file.enums["a.v1.E"]?.count == 2)
    }
}
