/// Why a byte sequence is not a JSON document, and where (byte offset).
package struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    package let reason: String
    package let offset: Int

    package init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    package var description: String { "\(reason) at byte \(offset)" }
}
