public import RPC

/// Options of `node call`.
public struct CallOptionsCLI: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        /// Call a method with a JSON body source.
        case invoke(method: String, body: BodySource)
        case list
        case describe(String)
    }

    /// Where the request JSON comes from.
    public enum BodySource: Equatable, Sendable {
        case inline(String)
        case file(String)
        case standardInput
    }

    public var address: SocketAddress
    /// With `--all`: every address to call (the first is `address`).
    public var allAddresses: [SocketAddress] = []
    public var action: Action
    public var headers: [String: String] = [:]
    public var headerList: [(String, String)] { headers.sorted { $0.key < $1.key } }
    public var timeout: Duration?
    /// `-v`: request and response headers (and an error's metadata) to stderr.
    public var verbose = false
    /// `--codec`: how the request and response travel (JSON is what is printed either way).
    public var codec = WireCodec.json

    static func parse(_ arguments: [String]) throws(UsageError) -> CallOptionsCLI {
        var scanner = ArgumentScanner(arguments, command: "call")
        var positionals: [String] = []
        var headers: [String: String] = [:]
        var timeout: Duration?
        var list = false
        var all = false
        var describe: String?
        var verbose = false
        var codec = WireCodec.json
        while let argument = scanner.next() {
            switch argument {
            case "-v", "--verbose": verbose = true
            case "-H", "--header":
                let (name, value) = try scanner.header(for: "-H")
                headers[name] = value
            case "--timeout": timeout = try scanner.duration(for: argument)
            case "--list": list = true
            case "--all": all = true
            case "--describe": describe = try scanner.value(for: argument)
            case "--codec":
                let text = try scanner.value(for: argument)
                guard let chosen = WireCodec(rawValue: text) else { throw UsageError("--codec must be json or proto", command: "call") }
                codec = chosen
            case "-": positionals.append(argument)
            default:
                if argument.hasPrefix("-") && !argument.hasPrefix("-{") {
                    throw UsageError("unknown option '\(argument)'", command: "call")
                }
                positionals.append(argument)
            }
        }
        guard let addressText = positionals.first else { throw UsageError("missing <address>", command: "call") }
        var addresses: [SocketAddress] = []
        do {
            for text in addressText.split(separator: ",") { addresses.append(try SocketAddress(parsing: String(text))) }
        } catch {
            throw UsageError("\(error)", command: "call")
        }
        guard let address = addresses.first else { throw UsageError("missing <address>", command: "call") }
        if addresses.count > 1 && !all { throw UsageError("several addresses need --all", command: "call") }
        let action: Action
        if list {
            guard positionals.count == 1, describe == nil else { throw UsageError("--list takes only an address", command: "call") }
            action = .list
        } else if let describe {
            guard positionals.count == 1 else { throw UsageError("--describe takes only an address and a service", command: "call") }
            action = .describe(describe)
        } else {
            guard positionals.count >= 2 else { throw UsageError("missing <package.Service/Method>", command: "call") }
            guard positionals.count <= 3 else { throw UsageError("too many arguments", command: "call") }
            let method = positionals[1].hasPrefix("/") ? String(positionals[1].dropFirst()) : positionals[1]
            let parts = method.split(separator: "/")
            guard parts.count == 2, parts[0].contains(".") else {
                throw UsageError("method must look like package.Service/Method, got '\(positionals[1])'", command: "call")
            }
            let body: BodySource
            switch positionals.count == 3 ? positionals[2] : "{}" {
            case "-": body = .standardInput
            case let text where text.hasPrefix("@"): body = .file(String(text.dropFirst()))
            case let text: body = .inline(text)
            }
            action = .invoke(method: method, body: body)
        }
        var options = CallOptionsCLI(address: address, action: action, headers: headers, timeout: timeout)
        options.verbose = verbose
        options.codec = codec
        if all {
            guard case .invoke = action else { throw UsageError("--all calls a method on every address", command: "call") }
            options.allAddresses = addresses
        }
        return options
    }
}

import Foundation
