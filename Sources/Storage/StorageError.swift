/// A storage failure: which operation, on which path, and why.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let reason: String

    public init(_ operation: String, path: String, reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(operation) \(path): \(reason)" }
}
