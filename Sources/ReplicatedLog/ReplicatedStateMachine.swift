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

    /// Whether the leader asks `admission(of:)` about commands (forwarded ones are then decoded
    /// on arrival). False by default: every command goes into the log as it comes.
    static var admitsByContent: Bool { get }
    /// How the leader lets `command` into the log (asked only by a leader, on its applied state).
    func admission(of command: Command) -> LogAdmission<Output>
}

extension ReplicatedStateMachine {
    public static var admitsByContent: Bool { false }
    public func admission(of command: Command) -> LogAdmission<Output> { .propose(touching: nil) }
}

/// A leader's choice for one command, made by the machine on its applied state.
///
/// Guarantees the log relies on: `answer` is given only when applying the command after
/// everything committed so far could only give that output (a precondition broken for good,
/// such as an etag older than the state's: etags only grow), so answering without a log entry
/// is what applying it would have done; `proposeAfter` never changes what a command does, only
/// when it is judged.
public enum LogAdmission<Output: Sendable>: Sendable {
    /// Into the log now; `key` names the state it changes (commands held on that key wait for it).
    case propose(touching: String?)
    /// Into the log once no proposal touching `key` is pending here, after the machine is asked
    /// again (a conditional command judged on the state those proposals make).
    case proposeAfter(key: String)
    /// Answered now with this output, without a log entry.
    case answer(Output)
}

/// How a command's bytes are made and read back (the log stores and ships bytes).
public protocol CommandCodec: Sendable {
    func encode<T: Encodable>(_ value: T) throws -> [UInt8]
    func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T
}
