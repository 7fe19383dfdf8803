import Foundation
public import RPC
import ReplicaMath

/// Static cluster membership: every node's id and address, and which one this node is.
///
/// Built from `--peers ID=HOST:PORT,...` or a cluster file (`{"members":[{"id":…,"address":…}]}`).
/// Guarantees: ids are unique and non-empty, every address parses, and `selfID` is a member.
public struct ClusterMembership: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public let id: String
        public let address: SocketAddress

        public init(id: String, address: SocketAddress) {
            self.id = id
            self.address = address
        }
    }

    /// Why a membership list was refused.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public let members: [Member]
    public let selfID: String

    public init(members: [Member], selfID: String) throws(Invalid) {
        var seen: Set<String> = []
        for member in members {
            guard !member.id.isEmpty else { throw Invalid("member ids must not be empty") }
            guard seen.insert(member.id).inserted else { throw Invalid("member id '\(member.id)' appears twice") }
        }
        guard seen.contains(selfID) else {
            throw Invalid("this node's id '\(selfID)' is not among the members (\(members.map(\.id).joined(separator: ", ")))")
        }
        self.members = members
        self.selfID = selfID
    }

    /// Parses `ID=HOST:PORT,...`.
    public static func parse(peers text: String, selfID: String) throws(Invalid) -> ClusterMembership {
        var members: [Member] = []
        for item in text.split(separator: ",") where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw Invalid("peers look like ID=HOST:PORT, got '\(item)'") }
            do {
                members.append(Member(id: String(parts[0]), address: try SocketAddress(parsing: String(parts[1]))))
            } catch {
                throw Invalid("\(error)")
            }
        }
        return try ClusterMembership(members: members, selfID: selfID)
    }

    /// Parses a cluster file: `{"members": [{"id": "n1", "address": "127.0.0.1:7001"}, …]}`.
    public static func parse(clusterFile bytes: [UInt8], selfID: String) throws(Invalid) -> ClusterMembership {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let list = object["members"] as? [[String: Any]] else {
            throw Invalid("the cluster file must be a JSON object with a \"members\" list")
        }
        var members: [Member] = []
        for (index, entry) in list.enumerated() {
            guard let id = entry["id"] as? String, let address = entry["address"] as? String else {
                throw Invalid("members[\(index)] needs string fields \"id\" and \"address\"")
            }
            do { members.append(Member(id: id, address: try SocketAddress(parsing: address))) } catch {
                throw Invalid("members[\(index)]: \(error)")
            }
        }
        return try ClusterMembership(members: members, selfID: selfID)
    }

    /// A single-node membership (no peers).
    public static func single(id: String, address: SocketAddress) -> ClusterMembership {
        // Cannot fail: one member, and it is this node.
        (try? ClusterMembership(members: [Member(id: id, address: address)], selfID: id))!
    }

    public var ids: [String] { members.map(\.id) }
    public var peers: [Member] { members.filter { $0.id != selfID } }
    /// A strict majority of the members.
    public var quorum: Int { majority(of: members.count) }

    public func address(of id: String) -> SocketAddress? {
        members.first { $0.id == id }?.address
    }

    public var description: String {
        members.map { "\($0.id)=\($0.address)" }.joined(separator: ",")
    }
}
