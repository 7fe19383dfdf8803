import Testing
@testable import RPC

struct TokenAuthenticatorTests {
    let peerMethod = RPCMethodInfo(service: "node.v1.Cluster", method: "Heartbeat", idempotency: .noSideEffects, kind: .unary,
                                   request: NodeV1.ListServicesRequest.schema, response: NodeV1.ListServicesRequest.schema)
    let clientMethod = RPCMethodInfo(service: "register.v1.Register", method: "Write", idempotency: .sideEffects, kind: .unary,
                                     request: NodeV1.ListServicesRequest.schema, response: NodeV1.ListServicesRequest.schema)
    let healthMethod = NodeV1.Health.check.info

    func code(_ body: () throws -> String?) -> ConnectCode? {
        do { _ = try body(); return nil } catch { return (error as? ConnectError)?.code }
    }

    @Test func peerServicesNeedTheClusterToken() throws {
        let auth = TokenAuthenticator(peerServices: ["node.v1.Cluster"], clusterToken: "s3cret", clientTokens: ["alice": "a-token"])
        #expect(code { try auth.admit(method: peerMethod, headers: [:]) } == .unauthenticated)
        #expect(code { try auth.admit(method: peerMethod, headers: ["authorization": "Bearer wrong"]) } == .unauthenticated)
        #expect(code { try auth.admit(method: peerMethod, headers: ["authorization": "Bearer a-token"]) } == .permissionDenied)
        #expect(try auth.admit(method: peerMethod, headers: ["authorization": "Bearer s3cret"]) == "cluster")
        #expect(try auth.admit(method: peerMethod, headers: ["authorization": "bearer s3cret"]) == "cluster")
    }

    @Test func clientTokensAreEnforcedWhenConfigured() throws {
        let auth = TokenAuthenticator(peerServices: ["node.v1.Cluster"], clusterToken: "s3cret", clientTokens: ["alice": "a-token"])
        #expect(code { try auth.admit(method: clientMethod, headers: [:]) } == .unauthenticated)
        #expect(code { try auth.admit(method: clientMethod, headers: ["authorization": "Bearer nope"]) } == .unauthenticated)
        #expect(try auth.admit(method: clientMethod, headers: ["authorization": "Bearer a-token"]) == "alice")
        #expect(try auth.admit(method: clientMethod, headers: ["authorization": "Bearer s3cret"]) == "cluster")
        #expect(try auth.admit(method: healthMethod, headers: [:]) == nil)
    }

    @Test func withoutConfigurationEverythingIsOpen() throws {
        let auth = TokenAuthenticator(peerServices: ["node.v1.Cluster"])
        #expect(try auth.admit(method: peerMethod, headers: [:]) == nil)
        #expect(try auth.admit(method: clientMethod, headers: [:]) == nil)
    }

    @Test(arguments: [
        ("Bearer s3cret", "s3cret"), ("bearer s3cret", "s3cret"), ("BEARER   s3cret ", "s3cret"),
        ("Bearer", nil), ("Bearer ", nil), ("Bearers3cret", nil), ("Basic s3cret", nil), ("Bearerx s3cret", nil),
    ] as [(String, String?)])
    func bearerTokenIsReadOffTheHeader(header: String, token: String?) {
        #expect(TokenAuthenticator.bearerToken(["authorization": header]) == token)
    }

    @Test func constantTimeEquality() {
        #expect(TokenAuthenticator.constantTimeEqual("abc", "abc"))
        #expect(!TokenAuthenticator.constantTimeEqual("abc", "abd"))
        #expect(!TokenAuthenticator.constantTimeEqual("abc", "abcd"))
        #expect(!TokenAuthenticator.constantTimeEqual("", "a"))
    }

    @Test func clientTokensFileFormat() throws {
        let tokens = try TokenAuthenticator.parseClientTokens("# team\nalice a-token\n\nbare-token\n")
        #expect(tokens["alice"] == "a-token")
        #expect(tokens.values.contains("bare-token"))
        #expect(throws: ConnectError.self) { try TokenAuthenticator.parseClientTokens("a b c\n") }
        #expect(throws: ConnectError.self) { try TokenAuthenticator.parseClientTokens("# nothing\n") }
    }
}
