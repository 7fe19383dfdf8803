/// The service a replica runs. Every role also serves the built-in `node.v1` services.
public enum Role: String, Sendable, CaseIterable {
    case consensus
    case register
    case bulletin

    public init(parsing text: String) throws(UsageError) {
        guard let role = Role(rawValue: text.lowercased()) else {
            throw UsageError("unknown role '\(text)'; choose one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))", command: "serve")
        }
        self = role
    }
}
