public import RegisterCore
public import RPC

/// A client for a register cluster given every replica's address: fails over between replicas,
/// retries what is safe to retry, and can ask every replica what it holds (seed 003's client).
///
/// Reads are retried and fail over freely. Writes fail over only when the request certainly never
/// left this process (a refused connection); otherwise an `unavailable` answer means the outcome
/// is unknown, and the caller may retry with the same `requestId` through the same replica.
public struct RegisterClient: Sendable {
    public let addresses: [SocketAddress]
    let client: RPCClient
    let direct: [RPCClient]

    public init(addresses: [SocketAddress], headers: HTTPHeaders = [:], policy: RetryPolicy = RetryPolicy()) {
        self.addresses = addresses
        let transports: [any ClientTransport] = addresses.map { PooledSocketTransport(address: $0) }
        direct = transports.map { RPCClient(transport: HeaderTransport($0, headers: headers)) }
        client = RPCClient(transport: HeaderTransport(FailoverTransport(transports, policy: policy), headers: headers))
    }

    public func write(_ key: String, _ value: String, requestID: String? = nil, timeout: Duration? = nil) async throws(ConnectError) -> Version {
        let options = CallOptions(timeout: timeout)
        return try await client.call(RegisterV1.Register.write, RegisterV1.WriteRequest(key: key, value: value, requestId: requestID ?? ""), options: options).version?.core ?? .zero
    }

    public func read(_ key: String, timeout: Duration? = nil) async throws(ConnectError) -> Entry? {
        let response = try await client.call(RegisterV1.Register.read, RegisterV1.ReadRequest(key: key), options: CallOptions(timeout: timeout))
        guard let version = response.version else { return nil }
        return Entry(version: version.core, value: response.found ? response.value : nil)
    }

    public func delete(_ key: String, requestID: String? = nil, timeout: Duration? = nil) async throws(ConnectError) -> Version {
        let options = CallOptions(timeout: timeout)
        return try await client.call(RegisterV1.Register.delete, RegisterV1.DeleteRequest(key: key, requestId: requestID ?? ""), options: options).version?.core ?? .zero
    }

    /// What each replica holds for `key` right now (no quorum), to watch replicas converge.
    public func readEveryReplica(_ key: String, timeout: Duration = .seconds(2)) async -> [(SocketAddress, Result<Entry?, ConnectError>)] {
        await withTaskGroup(of: (Int, Result<Entry?, ConnectError>).self) { group in
            for (index, replica) in direct.enumerated() {
                group.addTask {
                    do {
                        let response = try await replica.call(RegisterV1.Register.readLocal, RegisterV1.ReadRequest(key: key), options: CallOptions(timeout: timeout))
                        return (index, .success(response.version.map { Entry(version: $0.core, value: response.found ? response.value : nil) }))
                    } catch {
                        return (index, .failure((error as? ConnectError) ?? ConnectError(.unavailable, "\(error)")))
                    }
                }
            }
            var results: [(Int, Result<Entry?, ConnectError>)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map { (addresses[$0.0], $0.1) }
        }
    }
}
