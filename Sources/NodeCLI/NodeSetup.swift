import Cluster
import Foundation
import RPC

/// What `node serve` needs from files and the environment, read and validated before starting.
struct NodeSetup {
    let membership: ClusterMembership
    let clusterToken: String?
    let clientTokens: [String: String]?

    static func resolve(_ options: ServeOptions, environment: [String: String]) throws(UsageError) -> NodeSetup {
        let membership: ClusterMembership
        if let peers = options.peers {
            membership = peers
        } else if let path = options.clusterFile {
            let bytes = try read(path, what: "--cluster-file")
            do { membership = try ClusterMembership.parse(clusterFile: bytes, selfID: options.id) } catch {
                throw UsageError("--cluster-file \(path): \(error)", command: "serve")
            }
        } else {
            membership = .single(id: options.id, address: options.listen)
        }
        if options.role == .bulletin {
            let n = membership.members.count
            let read = options.readQuorum ?? membership.quorum
            let write = options.writeQuorum ?? membership.quorum
            if options.mode != .quorum && (options.readQuorum != nil || options.writeQuorum != nil) {
                throw UsageError("--read-quorum and --write-quorum apply to --mode quorum only", command: "serve")
            }
            guard read <= n, write <= n, read + write > n else {
                throw UsageError("--read-quorum \(read) and --write-quorum \(write) must each be at most \(n) and add up to more than \(n) (NR + NW > N)", command: "serve")
            }
        }
        var token = options.clusterToken
        if let path = options.clusterTokenFile {
            token = String(decoding: try read(path, what: "--cluster-token-file"), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if token == nil, let fromEnvironment = environment["NODE_CLUSTER_TOKEN"], !fromEnvironment.isEmpty {
            token = fromEnvironment
        }
        if let value = token, value.isEmpty { throw UsageError("the cluster token is empty", command: "serve") }
        var clientTokens: [String: String]?
        if let path = options.clientTokensFile {
            do {
                clientTokens = try TokenAuthenticator.parseClientTokens(String(decoding: try read(path, what: "--client-tokens"), as: UTF8.self))
            } catch let error as ConnectError {
                throw UsageError("--client-tokens \(path): \(error.message)", command: "serve")
            } catch {
                throw UsageError("--client-tokens \(path): \(error)", command: "serve")
            }
        }
        return NodeSetup(membership: membership, clusterToken: token, clientTokens: clientTokens)
    }

    static func read(_ path: String, what: String) throws(UsageError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("\(what): cannot read '\(path)'", command: "serve")
        }
        return Array(data)
    }
}
