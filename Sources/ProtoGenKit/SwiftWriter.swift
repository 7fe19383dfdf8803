/// Indented Swift source text.
struct SwiftWriter {
    private(set) var text = ""
    private var depth = 0
    private var failure: ProtoSyntaxError?

    mutating func line(_ content: String = "") {
        if content.isEmpty {
            text += "\n"
        } else {
            text += String(repeating: "    ", count: depth) + content + "\n"
        }
    }

    mutating func indent(_ body: (inout SwiftWriter) -> Void) {
        depth += 1
        body(&self)
        depth -= 1
    }

    /// `header {`, the body indented, `}`. A body's error is kept for `rethrow()`.
    mutating func block(_ header: String, _ body: (inout SwiftWriter) throws -> Void) {
        line(header + " {")
        depth += 1
        do {
            try body(&self)
        } catch {
            failure = failure ?? (error as? ProtoSyntaxError) ?? ProtoSyntaxError(file: "", line: 0, problem: "\(error)")
        }
        depth -= 1
        line("}")
    }

    func rethrow() throws(ProtoSyntaxError) {
        if let failure { throw failure }
    }

    /// A `///` comment from a proto comment, and the proto name when given.
    mutating func doc(_ comment: String, name: String? = nil) {
        if !comment.isEmpty {
            for part in comment.split(separator: "\n", omittingEmptySubsequences: false) {
                line(part.isEmpty ? "///" : "/// " + part)
            }
        }
        if let name {
            if !comment.isEmpty { line("///") }
            line("/// `\(name)`.")
        }
    }
}
