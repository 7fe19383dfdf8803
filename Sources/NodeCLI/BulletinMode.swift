/// The consistency mode of a bulletin replica (`--mode`).
public enum BulletinMode: String, Sendable, CaseIterable {
    case sequential
    case quorum
    case readYourWrites = "read-your-writes"

    /// Accepts the seed README's spelling (`read-your-write`) and `ryw` too.
    public init(parsing text: String) throws(UsageError) {
        switch text.lowercased() {
        case "sequential": self = .sequential
        case "quorum": self = .quorum
        case "read-your-writes", "read-your-write", "ryw": self = .readYourWrites
        default:
            throw UsageError("unknown --mode '\(text)'; choose one of: sequential, quorum, read-your-writes", command: "serve")
        }
    }
}
