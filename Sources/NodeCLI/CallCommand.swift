import Foundation
import RPC

/// `node call`: one RPC (unary or server-streaming) through the URLSession client, printing JSON.
struct CallCommand {
    let options: CallOptionsCLI

    func run() async -> Int32 {
        if !options.allAddresses.isEmpty { return await runEverywhere() }
        return await runOnce()
    }

    /// `--all`: the same call on every address, one result per address (seed 003's client, e.g.
    /// `register.v1.Register/ReadLocal` to see each replica's version).
    private func runEverywhere() async -> Int32 {
        guard case .invoke(let method, let source) = options.action, let body = try? readBody(source) else {
            Console.err("error: cannot read the request")
            return 64
        }
        var worst: Int32 = 0
        for address in options.allAddresses {
            let transport: any ClientTransport = PooledSocketTransport(address: address, maxConnections: 1)
            var callOptions = CallOptions(timeout: options.timeout ?? .seconds(5))
            for (name, value) in options.headerList { callOptions.headers.add(name, value) }
            do {
                let response = try await transport.unary(path: "/" + method, body: body, options: callOptions)
                Console.out("\(address)\t\(Self.compact(response.body))")
            } catch {
                Console.out("\(address)\terror: \(error.code.wireName): \(error.message)")
                worst = max(worst, Int32(error.code.rawValue))
            }
        }
        return worst
    }

    private func runOnce() async -> Int32 {
        // URLSession (libcurl) refuses bracketed IPv6 literals; the socket client handles them.
        let transport: any ClientTransport = options.address.family == .ipv6
            ? PooledSocketTransport(address: options.address, maxConnections: 2)
            : URLSessionTransport(address: options.address)
        var callOptions = CallOptions(timeout: options.timeout)
        for (name, value) in options.headerList { callOptions.headers.add(name, value) }
        do {
            switch options.action {
            case .list:
                let client = RPCClient(transport: transport)
                let response = try await client.call(ReflectionService.listServices, ListServicesRequest(), options: callOptions)
                for service in response.services {
                    Console.out(service.name)
                    for method in service.methods {
                        var notes: [String] = []
                        if method.sideEffectFree { notes.append("side-effect-free") }
                        if method.serverStreaming { notes.append("server-streaming") }
                        Console.out("  \(method.name)(\(method.requestType)) returns (\(method.responseType))"
                                    + (notes.isEmpty ? "" : "  [\(notes.joined(separator: ", "))]"))
                    }
                }
            case .describe(let service):
                let client = RPCClient(transport: transport)
                let response = try await client.call(ReflectionService.describeService,
                                                     DescribeServiceRequest(service: service), options: callOptions)
                Console.out(Self.render(response))
            case .invoke(let method, let source):
                let body = try readBody(source)
                let path = "/" + method
                if await isStreaming(method, transport: transport) {
                    for try await message in transport.serverStream(path: path, body: body, options: callOptions) {
                        Console.out(Self.compact(message))
                    }
                } else {
                    let response = try await transport.unary(path: path, body: body, options: callOptions)
                    Console.out(Self.pretty(response.body))
                }
            }
            return 0
        } catch let error as ConnectError {
            Console.err("error: \(error.code.wireName): \(error.message)")
            return Int32(error.code.rawValue)
        } catch let error as UsageError {
            Console.err("error: \(error.message)")
            return 64
        } catch {
            Console.err("error: unavailable: \(error)")
            return Int32(ConnectCode.unavailable.rawValue)
        }
    }

    private func readBody(_ source: CallOptionsCLI.BodySource) throws -> [UInt8] {
        let data: Data
        switch source {
        case .inline(let text): return Array(text.utf8)
        case .file(let path):
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw UsageError("cannot read request file '\(path)'")
            }
            data = contents
        case .standardInput:
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        return Array(data)
    }

    /// Asks the server's reflection whether `method` streams; servers without reflection get unary calls.
    private func isStreaming(_ method: String, transport: any ClientTransport) async -> Bool {
        let parts = method.split(separator: "/")
        guard parts.count == 2 else { return false }
        let client = RPCClient(transport: transport)
        guard let response = try? await client.call(ReflectionService.listServices, ListServicesRequest(),
                                                    options: CallOptions(timeout: .seconds(5))) else { return false }
        return response.services.first { $0.name == parts[0] }?.methods.first { $0.name == parts[1] }?.serverStreaming ?? false
    }

    static func pretty(_ body: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return String(decoding: body, as: UTF8.self)
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func compact(_ body: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return String(decoding: body, as: UTF8.self)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A .proto-like rendering of a service and its messages.
    static func render(_ response: DescribeServiceResponse) -> String {
        var lines: [String] = []
        if let service = response.service {
            lines.append("service \(service.name.split(separator: ".").last ?? "") {  // \(service.name)")
            for method in service.methods {
                let returns = method.serverStreaming ? "stream \(method.responseType)" : method.responseType
                var line = "  rpc \(method.name)(\(method.requestType)) returns (\(returns))"
                line += method.sideEffectFree ? " { option idempotency_level = NO_SIDE_EFFECTS; }" : ";"
                lines.append(line)
            }
            lines.append("}")
        }
        for message in response.messages {
            lines.append("")
            lines.append("message \(message.name) {")
            for field in message.fields {
                let label = field.label.isEmpty ? "" : field.label + " "
                lines.append("  \(label)\(field.type) \(field.name) = \(field.number);  // json: \(field.jsonName)")
            }
            lines.append("}")
        }
        return lines.joined(separator: "\n")
    }
}
