public import Foundation

/// A small parser for the subset of proto3 used in `Protocols/`: package, messages (with
/// repeated/optional/map fields), enums and services with rpc options.
public struct ProtoFile: Sendable {
    public struct Field: Equatable, Sendable { public var name: String; public var number: Int; public var type: String; public var label: String }
    public struct RPC: Equatable, Sendable { public var name: String; public var request: String; public var response: String; public var streaming: Bool; public var idempotency: String }

    public var package = ""
    public var messages: [String: [Field]] = [:]
    public var enums: [String: [(String, Int)]] = [:]
    public var services: [String: [RPC]] = [:]

    /// Every `.proto` file under `directory`, merged.
    public static func load(directory: URL) throws -> ProtoFile {
        var merged = ProtoFile()
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "proto" } ?? []
        for file in files {
            let parsed = try parse(String(contentsOf: file, encoding: .utf8))
            merged.messages.merge(parsed.messages) { $1 }
            merged.enums.merge(parsed.enums) { $1 }
            merged.services.merge(parsed.services) { $1 }
        }
        return merged
    }

    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var chars = Array(text)
        var i = 0
        func flush() { if !current.isEmpty { tokens.append(current); current = "" } }
        while i < chars.count {
            let c = chars[i]
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
                continue
            }
            if c == "\"" {
                flush()
                var j = i + 1
                while j < chars.count && chars[j] != "\"" { j += 1 }
                tokens.append(String(chars[i...min(j, chars.count - 1)]))
                i = j + 1
                continue
            }
            if c.isWhitespace { flush() } else if "{}();=<>,[]".contains(c) { flush(); tokens.append(String(c)) } else { current.append(c) }
            i += 1
        }
        flush()
        chars.removeAll()
        return tokens
    }

    public static func parse(_ text: String) throws -> ProtoFile {
        var file = ProtoFile()
        let tokens = tokenize(text)
        var i = 0
        func qualify(_ name: String) -> String { name.contains(".") ? name : "\(file.package).\(name)" }
        while i < tokens.count {
            switch tokens[i] {
            case "package":
                file.package = tokens[i + 1]
                i += 3
            case "message":
                let name = qualify(tokens[i + 1])
                i += 3
                var fields: [Field] = []
                while tokens[i] != "}" {
                    var label = ""
                    if tokens[i] == "repeated" || tokens[i] == "optional" { label = tokens[i]; i += 1 }
                    var type = tokens[i]
                    if type == "map" {
                        // map < K , V >
                        type = "map<\(tokens[i + 2]), \(qualifyScalar(tokens[i + 4], qualify))>"
                        i += 6
                    } else {
                        type = qualifyScalar(type, qualify)
                        i += 1
                    }
                    let fieldName = tokens[i]
                    let number = Int(tokens[i + 2]) ?? -1
                    i += 3
                    while tokens[i] != ";" { i += 1 }
                    i += 1
                    fields.append(Field(name: fieldName, number: number, type: type, label: label))
                }
                file.messages[name] = fields
                i += 1
            case "enum":
                let name = qualify(tokens[i + 1])
                i += 3
                var values: [(String, Int)] = []
                while tokens[i] != "}" {
                    values.append((tokens[i], Int(tokens[i + 2]) ?? -1))
                    i += 4
                }
                file.enums[name] = values
                i += 1
            case "service":
                let name = "\(file.package).\(tokens[i + 1])"
                i += 3
                var rpcs: [RPC] = []
                while tokens[i] != "}" {
                    // rpc Name ( Req ) returns ( [stream] Res ) ( ; | { option idempotency_level = X ; } )
                    let rpcName = tokens[i + 1]
                    let request = qualify(tokens[i + 3])
                    i += 7
                    var streaming = false
                    if tokens[i] == "stream" { streaming = true; i += 1 }
                    let response = qualify(tokens[i])
                    i += 2
                    var idempotency = "IDEMPOTENCY_UNKNOWN"
                    if tokens[i] == "{" {
                        while tokens[i] != "}" {
                            if tokens[i] == "idempotency_level" { idempotency = tokens[i + 2] }
                            i += 1
                        }
                    }
                    i += 1
                    rpcs.append(RPC(name: rpcName, request: request, response: response, streaming: streaming, idempotency: idempotency))
                }
                file.services[name] = rpcs
                i += 1
            default:
                i += 1
            }
        }
        return file
    }

    static let scalars: Set<String> = ["string", "bool", "int32", "uint32", "int64", "uint64", "double", "float", "bytes",
                                       "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64"]

    static func qualifyScalar(_ type: String, _ qualify: (String) -> String) -> String {
        scalars.contains(type) ? type : qualify(type)
    }
}
