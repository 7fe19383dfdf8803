/// Decides who may call what: the cluster token for peer-only services, client tokens (when
/// configured) for everything else. Health and reflection stay open so probes and tools work.
///
/// Guarantees: tokens are compared in constant time; a missing or wrong token is
/// `unauthenticated`; a client token used on a peer-only service is `permission_denied`.
public struct TokenAuthenticator: Sendable {
    /// Services only cluster members may call.
    public var peerServices: Set<String>
    /// Services anyone may call, whatever is configured.
    public var openServices: Set<String> = ["node.v1.Health", "node.v1.Reflection"]
    /// The shared cluster secret; nil leaves peer services open (the node warns at start).
    public var clusterToken: String?
    /// Client tokens by name; nil means client services need no token.
    public var clientTokens: [String: String]?

    public init(peerServices: Set<String> = [], clusterToken: String? = nil, clientTokens: [String: String]? = nil) {
        self.peerServices = peerServices
        self.clusterToken = clusterToken
        self.clientTokens = clientTokens
    }

    /// Which bearer token a call to `service` must carry, as configured: the cluster token for a
    /// peer-only service (when one is set), a client token for other services (when client
    /// tokens are set), none for open services. What `/openapi.json` declares per operation.
    public enum Requirement: String, Sendable {
        case clusterToken
        case clientToken
    }

    public func requirement(for service: String) -> Requirement? {
        if openServices.contains(service) { return nil }
        if peerServices.contains(service) { return clusterToken == nil ? nil : .clusterToken }
        return clientTokens == nil ? nil : .clientToken
    }

    /// Checks the call's `Authorization: Bearer` token; returns who is calling ("cluster", a
    /// client token's name, or nil when no token was needed).
    public func admit(method: RPCMethodInfo, headers: HTTPHeaders) throws(ConnectError) -> String? {
        if openServices.contains(method.service) { return nil }
        let presented = Self.bearerToken(headers)
        let isCluster = presented.map { token in clusterToken.map { Self.constantTimeEqual(token, $0) } ?? false } ?? false
        if peerServices.contains(method.service) {
            guard clusterToken != nil else { return nil }
            guard let presented else {
                throw ConnectError(.unauthenticated, "\(method.service) is a peer service: send the cluster token as 'Authorization: Bearer <token>'")
            }
            if isCluster { return "cluster" }
            if clientName(for: presented) != nil {
                throw ConnectError(.permissionDenied, "client tokens may not call the peer service \(method.service)")
            }
            throw ConnectError(.unauthenticated, "invalid cluster token")
        }
        guard clientTokens != nil else { return presented == nil ? nil : (isCluster ? "cluster" : nil) }
        guard let presented else {
            throw ConnectError(.unauthenticated, "this node requires a client token: send 'Authorization: Bearer <token>'")
        }
        if isCluster { return "cluster" }
        guard let name = clientName(for: presented) else { throw ConnectError(.unauthenticated, "invalid client token") }
        return name
    }

    private func clientName(for token: String) -> String? {
        var found: String?
        // Compare against every token, so timing does not reveal which one matched.
        for (name, candidate) in clientTokens ?? [:] where Self.constantTimeEqual(token, candidate) { found = name }
        return found
    }

    static func bearerToken(_ headers: HTTPHeaders) -> String? {
        guard let value = headers["authorization"] else { return nil }
        // `Bearer` (any case), spaces, the token; read off the bytes, no intermediate strings.
        let bytes = value.utf8
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")), bytes.distance(from: bytes.startIndex, to: space) == 6,
              zip(bytes[..<space], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let token = value[space...].trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    /// Equality whose running time depends only on the lengths, not on where the strings differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
                for i in 0..<max(x.count, y.count) {
                    difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
                }
                return difference == 0
            }
        }
    }

    /// Parses a client tokens file: one token per line as `name token` or just `token`;
    /// blank lines and `#` comments are ignored.
    public static func parseClientTokens(_ text: String) throws(ConnectError) -> [String: String] {
        var tokens: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            switch parts.count {
            case 1: tokens["client-\(number + 1)"] = String(parts[0])
            case 2: tokens[String(parts[0])] = String(parts[1])
            default: throw ConnectError(.invalidArgument, "line \(number + 1): expected 'name token' or 'token'")
            }
        }
        guard !tokens.isEmpty else { throw ConnectError(.invalidArgument, "no tokens in the client tokens file") }
        return tokens
    }
}
