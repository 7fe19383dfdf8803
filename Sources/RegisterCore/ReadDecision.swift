/// What a coordinator does after the query phase of a read.
public enum ReadDecision: Sendable, Equatable {
    /// Every replica in the quorum already holds the highest version: answer it.
    case answer(Entry?)
    /// Replicas disagree: write the highest back to a majority, then answer it.
    case writeBack(Entry)

    /// ABD's read rule over the query replies (nil means the replica has no entry for the key).
    public static func decide(_ replies: [Entry?]) -> ReadDecision {
        let highest = replies.compactMap { $0 }.max { $0.version < $1.version }
        guard let highest else { return .answer(nil) }
        if replies.allSatisfy({ $0?.version == highest.version }) { return .answer(highest) }
        return .writeBack(highest)
    }

    /// The version a write stores after the query phase (higher than any in the quorum).
    public static func nextVersion(after replies: [Entry?], writer: String) -> Version {
        (replies.compactMap { $0?.version }.max() ?? .zero).next(by: writer)
    }
}
