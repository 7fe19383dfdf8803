/// How proto names become Swift names.
///
/// Guarantees: a package becomes one namespace enum (`register.v1` → `RegisterV1`), so two
/// packages can both declare `StoreRequest`; nested messages nest; field names become their
/// proto3 JSON (lowerCamel) names; enum values lose their enum's SCREAMING_CASE prefix and become
/// lowerCamel; Swift keywords are escaped with backticks.
public enum SwiftNames {
    public static func namespace(_ package: String) -> String {
        package.split(separator: ".").map { upperFirst(camel(String($0))) }.joined()
    }

    /// The Swift path of a full proto type name declared in `package`.
    public static func typePath(_ fullName: String, package: String) -> String {
        let relative = package.isEmpty ? fullName : String(fullName.dropFirst(package.count + 1))
        return ([namespace(package)] + relative.split(separator: ".").map { escapeType(String($0)) }).joined(separator: ".")
    }

    public static func property(_ jsonName: String) -> String { escape(jsonName) }

    public static func method(_ rpcName: String) -> String { escape(lowerFirst(rpcName)) }

    public static func enumCase(_ value: String, enumName: String) -> String {
        var name = value
        let prefix = screaming(enumName) + "_"
        if name.hasPrefix(prefix), let first = name.dropFirst(prefix.count).first, !first.isNumber {
            name = String(name.dropFirst(prefix.count))
        }
        return escape(lowerFirst(camel(name.lowercased())))
    }

    /// `PoolState` → `POOL_STATE`.
    static func screaming(_ name: String) -> String {
        var out = ""
        for (index, character) in name.enumerated() {
            if character.isUppercase, index > 0 { out.append("_") }
            out.append(contentsOf: character.uppercased())
        }
        return out
    }

    /// `snake_case` → `snakeCase`.
    static func camel(_ name: String) -> String {
        var out = ""
        var upper = false
        for character in name {
            if character == "_" { upper = true; continue }
            out.append(upper ? Character(character.uppercased()) : character)
            upper = false
        }
        return out
    }

    static func upperFirst(_ name: String) -> String { name.prefix(1).uppercased() + name.dropFirst() }
    static func lowerFirst(_ name: String) -> String { name.prefix(1).lowercased() + name.dropFirst() }

    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout", "internal",
        "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static", "struct", "subscript",
        "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard",
        "if", "in", "repeat", "return", "throw", "switch", "where", "while", "as", "false", "is", "nil", "self", "Self", "super",
        "throws", "true", "try", "Any", "Type", "Protocol",
    ]

    static func escape(_ name: String) -> String { keywords.contains(name) ? "`\(name)`" : name }
    static func escapeType(_ name: String) -> String { ["Type", "Protocol", "Self", "Any"].contains(name) ? "\(name)_" : name }
}
