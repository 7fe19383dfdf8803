/// A storage failure: which operation, on which path, and why.
package struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    package let operation: String
    package let path: String
    package let reason: String

    package init(_ operation: String, path: String, reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    package var description: String { "\(operation) \(path): \(reason)" }
}
