/// Every parsed `.proto` file under one root, with names resolved across files and the Swift
/// module each file's code lives in.
///
/// Guarantees: after `init`, every `.named` field type and every method's request and response
/// is a full message or enum name that exists in the set (proto scoping: innermost scope
/// first, a leading dot means fully qualified); a name that resolves to nothing is a
/// `ProtoSyntaxError` naming the file.
public struct ProtoSchemaSet: Sendable {
    public private(set) var files: [ProtoFileDescriptor]
    /// File path → Swift module, from the manifest (files not listed are read for names only).
    public let modules: [String: String]
    public private(set) var messages: [String: ProtoMessageDescriptor] = [:]
    public private(set) var enums: [String: ProtoEnumDescriptor] = [:]
    /// Full type name → the file that declares it.
    public private(set) var declaringFile: [String: String] = [:]

    public init(files: [ProtoFileDescriptor], modules: [String: String]) throws(ProtoSyntaxError) {
        self.files = files
        self.modules = modules
        for file in files {
            func visit(_ message: ProtoMessageDescriptor) {
                messages[message.fullName] = message
                declaringFile[message.fullName] = file.path
                message.messages.forEach(visit)
                for nested in message.enums { enums[nested.fullName] = nested; declaringFile[nested.fullName] = file.path }
            }
            file.messages.forEach(visit)
            for declared in file.enums { enums[declared.fullName] = declared; declaringFile[declared.fullName] = file.path }
        }
        for index in self.files.indices { try resolve(&self.files[index]) }
        messages = [:]
        for file in self.files {
            func visit(_ message: ProtoMessageDescriptor) {
                messages[message.fullName] = message
                message.messages.forEach(visit)
            }
            file.messages.forEach(visit)
        }
    }

    /// Parses the manifest: `Module path.proto path.proto …` per line, `#` comments.
    public static func manifest(_ text: String) -> [String: String] {
        var modules: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].split(whereSeparator: \.isWhitespace)
            guard let module = words.first else { continue }
            for path in words.dropFirst() { modules[String(path)] = String(module) }
        }
        return modules
    }

    private func resolve(_ file: inout ProtoFileDescriptor) throws(ProtoSyntaxError) {
        let path = file.path
        func lookUp(_ name: String, scope: String, line: String) throws(ProtoSyntaxError) -> ProtoType {
            if name.hasPrefix(".") {
                let full = String(name.dropFirst())
                if messages[full] != nil { return .message(full) }
                if enums[full] != nil { return .enumeration(full) }
            } else {
                var parts = scope.split(separator: ".").map(String.init)
                while true {
                    let full = (parts + [name]).joined(separator: ".")
                    if messages[full] != nil { return .message(full) }
                    if enums[full] != nil { return .enumeration(full) }
                    if parts.isEmpty { break }
                    parts.removeLast()
                }
            }
            throw ProtoSyntaxError(file: path, line: 0, problem: "\(line): unknown type \(name)")
        }
        func resolveType(_ type: ProtoType, scope: String, line: String) throws(ProtoSyntaxError) -> ProtoType {
            switch type {
            case .named(let name): return try lookUp(name, scope: scope, line: line)
            case .map(let key, let value): return .map(key: key, value: try resolveType(value, scope: scope, line: line))
            default: return type
            }
        }
        func resolveMessage(_ message: inout ProtoMessageDescriptor) throws(ProtoSyntaxError) {
            for index in message.fields.indices {
                let field = message.fields[index]
                message.fields[index].type = try resolveType(field.type, scope: message.fullName, line: "\(message.fullName).\(field.name)")
            }
            for index in message.messages.indices { try resolveMessage(&message.messages[index]) }
        }
        for index in file.messages.indices { try resolveMessage(&file.messages[index]) }
        for s in file.services.indices {
            for m in file.services[s].methods.indices {
                let method = file.services[s].methods[m]
                let context = "\(file.services[s].fullName).\(method.name)"
                guard case .message(let request) = try lookUp(method.request, scope: file.package, line: context),
                      case .message(let response) = try lookUp(method.response, scope: file.package, line: context) else {
                    throw ProtoSyntaxError(file: path, line: 0, problem: "\(context): requests and responses must be messages")
                }
                file.services[s].methods[m].request = request
                file.services[s].methods[m].response = response
            }
        }
    }
}
