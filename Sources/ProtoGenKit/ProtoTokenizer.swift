/// One token of a `.proto` file, with the `//` comment lines written just above it.
public struct ProtoToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case word, string, symbol }

    public var kind: Kind
    /// The word, the symbol, or a string literal's unescaped contents.
    public var text: String
    public var line: Int
    /// The leading comment (lines joined with newlines, `// ` stripped), empty if none.
    public var comment: String
}

/// Splits proto3 source into tokens.
///
/// Guarantees: every character is either part of a token, whitespace or a comment; an unclosed
/// string or block comment is a `ProtoSyntaxError` with its line. A comment counts as a token's
/// leading comment only when nothing but whitespace separates them (a blank line detaches it).
public enum ProtoTokenizer {
    public static func tokens(_ text: String, file: String) throws(ProtoSyntaxError) -> [ProtoToken] {
        let chars = Array(text.unicodeScalars)
        var tokens: [ProtoToken] = []
        var i = 0
        var line = 1
        var comment: [String] = []
        var blankSinceComment = false
        func take(_ kind: ProtoToken.Kind, _ text: String) {
            tokens.append(ProtoToken(kind: kind, text: text, line: line, comment: blankSinceComment ? "" : comment.joined(separator: "\n")))
            comment = []
            blankSinceComment = false
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\n" {
                line += 1
                // Two newlines in a row (a blank line) detach a comment from what follows.
                var j = i + 1
                while j < chars.count, chars[j] == " " || chars[j] == "\t" || chars[j] == "\r" { j += 1 }
                if j < chars.count, chars[j] == "\n", !comment.isEmpty { blankSinceComment = true }
                i += 1
                continue
            }
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
                var j = i + 2
                while j < chars.count, chars[j] != "\n" { j += 1 }
                var body = String(String.UnicodeScalarView(chars[(i + 2)..<j]))
                if body.hasPrefix(" ") { body.removeFirst() }
                if blankSinceComment { comment = []; blankSinceComment = false }
                comment.append(body)
                i = j
                continue
            }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                let start = line
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") {
                    if chars[i] == "\n" { line += 1 }
                    i += 1
                }
                guard i + 1 < chars.count else { throw ProtoSyntaxError(file: file, line: start, problem: "unclosed /* comment") }
                i += 2
                continue
            }
            if c == "\"" || c == "'" {
                var j = i + 1
                var value = String.UnicodeScalarView()
                while j < chars.count, chars[j] != c {
                    if chars[j] == "\n" { break }
                    if chars[j] == "\\", j + 1 < chars.count {
                        j += 1
                        switch chars[j] {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        default: value.append(chars[j])
                        }
                    } else {
                        value.append(chars[j])
                    }
                    j += 1
                }
                guard j < chars.count, chars[j] == c else { throw ProtoSyntaxError(file: file, line: line, problem: "unclosed string literal") }
                take(.string, String(value))
                i = j + 1
                continue
            }
            if "{}()[];=<>,".unicodeScalars.contains(c) {
                take(.symbol, String(c))
                i += 1
                continue
            }
            var j = i
            while j < chars.count, isWordScalar(chars[j]) { j += 1 }
            guard j > i else { throw ProtoSyntaxError(file: file, line: line, problem: "unexpected character \"\(c)\"") }
            take(.word, String(String.UnicodeScalarView(chars[i..<j])))
            i = j
        }
        return tokens
    }

    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "." || c == "-" || c == "+"
    }
}
