/// Turns a request into a response. The server calls it once per request, in order per connection.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, peer: SocketAddress?) async -> HTTPResponse
}
