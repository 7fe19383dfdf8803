public import RPC

extension HeaderTransport {
    /// Peer traffic: `Authorization: Bearer <cluster token>` on every call.
    public static func authorizing(_ inner: any ClientTransport, token: String) -> HeaderTransport {
        HeaderTransport(inner, headers: ["authorization": "Bearer \(token)"])
    }
}
