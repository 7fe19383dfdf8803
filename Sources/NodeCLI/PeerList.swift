public import RPC

/// Static cluster membership: node ids and their addresses, from `--peers ID=HOST:PORT,...`.
///
/// Guarantees: ids are unique and non-empty; every address parses.
public struct PeerList: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public let id: String
        public let address: SocketAddress
    }

    public let members: [Member]

    public init(members: [Member]) throws(UsageError) {
        var seen: Set<String> = []
        for member in members {
            guard !member.id.isEmpty else { throw UsageError("peer ids must not be empty", command: "serve") }
            guard seen.insert(member.id).inserted else {
                throw UsageError("peer id '\(member.id)' appears twice in --peers", command: "serve")
            }
        }
        self.members = members
    }

    public init(parsing text: String) throws(UsageError) {
        var members: [Member] = []
        for item in text.split(separator: ",") where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else {
                throw UsageError("--peers entries look like ID=HOST:PORT, got '\(item)'", command: "serve")
            }
            do {
                members.append(Member(id: String(parts[0]), address: try SocketAddress(parsing: String(parts[1]))))
            } catch {
                throw UsageError("--peers: \(error)", command: "serve")
            }
        }
        try self.init(members: members)
    }

    public func address(of id: String) -> SocketAddress? {
        members.first { $0.id == id }?.address
    }

    public var description: String {
        members.map { "\($0.id)=\($0.address)" }.joined(separator: ",")
    }
}
