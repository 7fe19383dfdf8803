/// Reads one proto3 file into a `ProtoFileDescriptor`.
///
/// Handles what `Protocols/` uses and what proto3 files commonly hold: `syntax`, `package`,
/// `import`, file `option`s (ignored), messages with nested messages and enums, `optional`,
/// `repeated` and `map<K, V>` fields, field options (`[(node.v1.rules).required = true]`;
/// others ignored), `reserved`, enums, services with unary and streaming methods and their
/// `idempotency_level`, and `extend` blocks (skipped). Guarantees: anything else — `oneof`,
/// groups, proto2 — is a `ProtoSyntaxError` naming the file and line, never silently dropped.
public struct ProtoParser {
    let file: String
    let tokens: [ProtoToken]
    var position = 0
    var descriptor: ProtoFileDescriptor

    public static func parse(_ text: String, path: String) throws(ProtoSyntaxError) -> ProtoFileDescriptor {
        var parser = ProtoParser(file: path, tokens: try ProtoTokenizer.tokens(text, file: path),
                                 descriptor: ProtoFileDescriptor(path: path, package: ""))
        try parser.parseFile()
        return parser.descriptor
    }

    // MARK: - Tokens

    var atEnd: Bool { position >= tokens.count }
    var line: Int { atEnd ? (tokens.last?.line ?? 1) : tokens[position].line }

    func peek(_ offset: Int = 0) -> String? {
        position + offset < tokens.count ? tokens[position + offset].text : nil
    }

    func error(_ problem: String) -> ProtoSyntaxError { ProtoSyntaxError(file: file, line: line, problem: problem) }

    mutating func next() throws(ProtoSyntaxError) -> ProtoToken {
        guard !atEnd else { throw error("unexpected end of file") }
        defer { position += 1 }
        return tokens[position]
    }

    mutating func word() throws(ProtoSyntaxError) -> String {
        let token = try next()
        guard token.kind == .word else { throw error("expected a name, found \"\(token.text)\"") }
        return token.text
    }

    mutating func expect(_ text: String) throws(ProtoSyntaxError) {
        let token = try next()
        guard token.text == text, token.kind != .string else { throw error("expected \"\(text)\", found \"\(token.text)\"") }
    }

    mutating func accept(_ text: String) -> Bool {
        guard peek() == text, tokens[position].kind != .string else { return false }
        position += 1
        return true
    }

    /// Skips a balanced `{ … }` block (the opening brace is next).
    mutating func skipBlock() throws(ProtoSyntaxError) {
        try expect("{")
        var depth = 1
        while depth > 0 {
            let token = try next()
            if token.kind == .symbol, token.text == "{" { depth += 1 }
            if token.kind == .symbol, token.text == "}" { depth -= 1 }
        }
    }

    /// Skips to just past the next `;`.
    mutating func skipStatement() throws(ProtoSyntaxError) {
        while try next().text != ";" {}
    }

    // MARK: - File

    mutating func parseFile() throws(ProtoSyntaxError) {
        while !atEnd {
            let token = tokens[position]
            switch token.text {
            case "syntax":
                position += 1
                try expect("=")
                let syntax = try next().text
                guard syntax == "proto3" else { throw error("only proto3 is supported, not \(syntax)") }
                try expect(";")
            case "package":
                position += 1
                descriptor.package = try word()
                try expect(";")
            case "import":
                position += 1
                _ = accept("public") || accept("weak")
                let path = try next()
                guard path.kind == .string else { throw error("expected an import path") }
                descriptor.imports.append(path.text)
                try expect(";")
            case "option":
                try skipStatement()
            case "message":
                descriptor.messages.append(try parseMessage(scope: descriptor.package))
            case "enum":
                descriptor.enums.append(try parseEnum(scope: descriptor.package))
            case "service":
                descriptor.services.append(try parseService())
            case "extend":
                position += 1
                _ = try word()
                try skipBlock()
            case ";":
                position += 1
            default:
                throw error("unexpected \"\(token.text)\" at top level")
            }
        }
    }

    static func qualify(_ scope: String, _ name: String) -> String { scope.isEmpty ? name : "\(scope).\(name)" }
}
