import Foundation
import RPC

/// `node call`: one RPC (unary or server-streaming) over a socket of its own, printing JSON.
///
/// Guarantees: a stream's messages are printed as they arrive, one JSON object per line, each
/// line written at once; Ctrl-C ends a stream cleanly (exit 0); an error prints its code,
/// message and every detail to stderr and exits with the code's number.
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
            Console.err("error: cannot read the request\n\(NodeMain.hint(for: "call"))")
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
        let transport = PooledSocketTransport(address: options.address, maxConnections: 2)
        var callOptions = CallOptions(timeout: options.timeout)
        for (name, value) in options.headerList { callOptions.headers.add(name, value) }
        do {
            switch options.action {
            case .list:
                let client = RPCClient(transport: transport)
                let response = try await client.call(NodeV1.Reflection.listServices, NodeV1.ListServicesRequest(), options: callOptions)
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
                let response = try await client.call(NodeV1.Reflection.describeService,
                                                     NodeV1.DescribeServiceRequest(service: service), options: callOptions)
                Console.out(Self.render(response))
            case .invoke(let method, let source):
                let path = "/" + method
                let codec = try Codec(options.codec, path: path)
                let body = try codec.request(try readBody(source))
                callOptions.codec = options.codec
                let streaming = await isStreaming(method, transport: transport)
                if options.verbose { showRequest(path: path, body: body, options: callOptions, streaming: streaming) }
                if streaming { return await stream(path: path, body: body, options: callOptions, transport: transport, codec: codec) }
                let response = try await transport.unary(path: path, body: body, options: callOptions)
                if options.verbose { showHeaders("<", response.headers) }
                Console.out(Self.pretty(try codec.response(response.body)))
            }
            return 0
        } catch let error as ConnectError {
            return report(error)
        } catch let error as UsageError {
            Console.err("error: \(error.message)\n\(NodeMain.hint(for: "call"))")
            return 64
        } catch {
            Console.err("error: unavailable: \(error)")
            return Int32(ConnectCode.unavailable.rawValue)
        }
    }

    /// Prints each message as it arrives until the stream ends, fails, or the user presses
    /// Ctrl-C (then exit 0: the user stopped it).
    private func stream(path: String, body: [UInt8], options callOptions: CallOptions, transport: PooledSocketTransport,
                        codec: Codec) async -> Int32 {
        let signals = SignalWatcher(signals: [SIGINT])
        let messages = transport.serverStream(path: path, body: body, options: callOptions)
        let reading = Task { () -> ConnectError? in
            do {
                for try await message in messages { Console.out(Self.compact(try codec.response(message))) }
                return nil
            } catch let error as ConnectError {
                return error
            } catch {
                return ConnectError(.unavailable, "\(error)")
            }
        }
        let interrupt = Task { () -> Bool in
            for await _ in signals.signals {
                reading.cancel()
                return true
            }
            return false
        }
        let failure = await reading.value
        interrupt.cancel()
        if await interrupt.value { return 0 }
        return failure.map(report) ?? 0
    }

    /// JSON in, JSON out: with `--codec proto` the request is written as binary protobuf and
    /// each response read back into JSON, through the method's schemas.
    struct Codec {
        let method: RPCMethodInfo?

        init(_ codec: WireCodec, path: String) throws {
            method = codec == .proto ? try ServiceCatalog.method(at: path) : nil
        }

        func request(_ json: [UInt8]) throws -> [UInt8] {
            guard let method else { return json }
            do {
                return try ProtoBinaryWriter.binary(fromJSON: json.isEmpty ? Array("{}".utf8) : json, schema: method.request)
            } catch {
                throw UsageError("the request does not fit \(method.request.name): \(error.message)", command: "call")
            }
        }

        func response(_ bytes: [UInt8]) throws(ConnectError) -> [UInt8] {
            guard let method else { return bytes }
            return try ProtoBinaryReader.json(from: bytes, schema: method.response)
        }
    }

    /// Prints an RPC error (code, message, each detail, and with `-v` its metadata); returns its exit status.
    private func report(_ error: ConnectError) -> Int32 {
        Console.err("error: \(error.code.wireName): \(error.message)")
        for detail in error.details { Console.err("  detail \(Self.describe(detail))") }
        if options.verbose { showHeaders("<", error.metadata) }
        return Int32(error.code.rawValue)
    }

    /// A detail as `type: value`: its JSON (`debug`) when the server sent it, else the base64 of
    /// the binary message.
    static func describe(_ detail: ConnectError.Detail) -> String {
        if let debug = detail.debug { return "\(detail.type): \(compact(Array(debug.utf8)))" }
        return "\(detail.type): (binary, base64) \(detail.value)"
    }

    private func showRequest(path: String, body: [UInt8], options callOptions: CallOptions, streaming: Bool) {
        let bytes = PooledSocketTransport.serialize(path: path, host: options.address.description, body: [], options: callOptions,
                                                    streaming: streaming)
        let head = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: true)
        for line in head where !line.hasPrefix("content-length") { Console.err("> \(line)") }
        Console.err("> content-length: \(streaming ? body.count + 5 : body.count)")
        Console.err(">")
    }

    private func showHeaders(_ marker: String, _ headers: HTTPHeaders) {
        for (name, value) in headers { Console.err("\(marker) \(name): \(value)") }
        Console.err(marker)
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
        guard let response = try? await client.call(NodeV1.Reflection.listServices, NodeV1.ListServicesRequest(),
                                                    options: CallOptions(timeout: .seconds(5))) else { return false }
        return response.services.first { $0.name == parts[0] }?.methods.first { $0.name == parts[1] }?.serverStreaming ?? false
    }

    static func pretty(_ body: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            return String(decoding: body, as: UTF8.self)
        }
        if let fields = object as? [String: Any], fields.isEmpty { return "{}" }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
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
    static func render(_ response: NodeV1.DescribeServiceResponse) -> String {
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
