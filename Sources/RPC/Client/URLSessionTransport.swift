import Foundation
import FoundationNetworking

/// A `ClientTransport` over FoundationNetworking's URLSession.
///
/// Convenient and dependable, but costly per call (about 300 µs on loopback): used by `node call`
/// and selectable for peers so the benchmark can compare it with the pooled socket client.
public final class URLSessionTransport: ClientTransport {
    let baseURL: String
    private let session: URLSession

    public init(address: SocketAddress) {
        baseURL = "http://\(address)"
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 3600
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    private func makeRequest(path: String, body: [UInt8], options: CallOptions, contentType: String) -> URLRequest {
        // Built as text: URL path appending mangles bracketed IPv6 hosts.
        let url = URL(string: baseURL + path) ?? URL(fileURLWithPath: "/invalid")
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.setValue("1", forHTTPHeaderField: "Connect-Protocol-Version")
        if let timeout = options.timeout {
            let ms = max(1, timeout.wholeMilliseconds)
            request.setValue(String(ms), forHTTPHeaderField: "Connect-Timeout-Ms")
            request.timeoutInterval = Double(ms) / 1000 + 1
        }
        for (name, value) in options.headers { request.addValue(value, forHTTPHeaderField: name) }
        return request
    }

    public func unary(path: String, body: [UInt8], options: CallOptions) async throws(ConnectError) -> UnaryResponse {
        let request = makeRequest(path: path, body: body, options: options, contentType: options.codec.contentType)
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw Self.mapTransportError(error)
        }
        guard let http = response as? HTTPURLResponse else { throw ConnectError(.internal, "not an HTTP response") }
        var headers = HTTPHeaders()
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers.add(name, value) }
        }
        guard http.statusCode == 200 else {
            throw ConnectError.fromResponse(status: http.statusCode, body: Array(data), headers: headers)
        }
        return UnaryResponse(headers: headers, body: Array(data))
    }

    public func serverStream(path: String, body: [UInt8], options: CallOptions) -> AsyncThrowingStream<[UInt8], any Error> {
        let request = makeRequest(path: path, body: ConnectEnvelope.frame(body), options: options,
                                  contentType: options.codec.streamContentType)
        let session = self.session
        return AsyncThrowingStream.producing { continuation in
            do {
                let (data, response) = try await session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                guard status == 200 else {
                    throw ConnectError.fromResponse(status: status, body: Array(data))
                }
                var reader = ConnectEnvelope.FrameReader()
                reader.append(Array(data))
                if try ConnectEnvelope.drain(&reader, yield: { continuation.yield($0) }) {
                    continuation.finish()
                    return
                }
                throw ConnectError(.internal, "stream ended without an end-of-stream message")
            } catch let error as ConnectError {
                continuation.finish(throwing: error)
            } catch {
                continuation.finish(throwing: Self.mapTransportError(error))
            }
        }
    }

    static func mapTransportError(_ error: any Error) -> ConnectError {
        if error is CancellationError { return ConnectError(.canceled, "the call was canceled") }
        let nsError = error as NSError
        if nsError.domain == NSURLErrorDomain && nsError.code == NSURLErrorTimedOut {
            return ConnectError(.deadlineExceeded, "timed out waiting for the server")
        }
        return ConnectError(.unavailable, "cannot reach the server: \(nsError.localizedDescription)")
    }
}
