/// A deterministic state machine that runs on a replicated log (`LogReplicaCore`, and the
/// `LogReplica` shell around it): every replica applies the same committed commands in the same
/// order and so holds the same state and computes the same outputs.
///
/// Requirements: `apply` depends only on the state and the command (time, randomness and
/// identities go into the command, chosen by whoever proposes it); `snapshot` returns quickly
/// (a frozen copy) and its serialization reproduces the state exactly through `restore`. The log
/// calls `apply`, `snapshot` and `restore` one at a time; readers may read the machine
/// concurrently through its own synchronisation.
public protocol ReplicatedStateMachine: AnyObject, Sendable {
    associatedtype Command: Codable & Sendable
    associatedtype Output: Codable & Sendable

    /// Applies the command committed at `index`.
    func apply(_ command: Command, index: UInt64) -> Output
    /// A frozen image of the state now; calling the closure serializes it (possibly elsewhere,
    /// while `apply` continues).
    func snapshot() -> @Sendable () throws -> [UInt8]
    /// Replaces the state with a serialized image.
    func restore(_ data: [UInt8]) throws
}

/// How a command's bytes are made and read back (the log stores and ships bytes).
public protocol CommandCodec: Sendable {
    func encode<T: Encodable>(_ value: T) throws -> [UInt8]
    func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T
}
