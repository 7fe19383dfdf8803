extension SwiftGenerator {
    /// The service's method descriptors and the protocol a server of it conforms to.
    func emitService(_ service: ProtoServiceDescriptor, package: String, into out: inout SwiftWriter) {
        out.doc(service.comment, name: service.fullName)
        out.block("public enum \(SwiftNames.escapeType(service.name))") { out in
            out.line("public static let name = \(literal(service.fullName))")
            for method in service.methods {
                out.line()
                out.doc(method.comment)
                let request = typePath(method.request)
                let response = typePath(method.response)
                var arguments = [literal(service.fullName), literal(method.name), "idempotency: \(idempotency(method.idempotency))"]
                if method.serverStreaming { arguments.append("kind: .serverStreaming") }
                if !method.comment.isEmpty { arguments.append("comment: \(literal(method.comment))") }
                out.line("public static let \(SwiftNames.method(method.name)) = RPCMethod<\(request), \(response)>(\(arguments.joined(separator: ", ")))")
            }
            out.line()
            out.line("/// Every method, in .proto order.")
            out.line("public static var methods: [RPCMethodInfo] { [\(service.methods.map { SwiftNames.method($0.name) + ".info" }.joined(separator: ", "))] }")
            out.line()
            out.line("/// What a server of `\(service.fullName)` implements; `register(on:)` adds every method to a router.")
            out.block("public protocol ServiceProtocol: RPCService") { out in
                for method in service.methods {
                    out.doc(method.comment)
                    let response = method.serverStreaming ? "AsyncThrowingStream<\(typePath(method.response)), any Error>" : typePath(method.response)
                    out.line("func \(SwiftNames.method(method.name))(_ request: \(typePath(method.request)), context: RPCContext) async throws -> \(response)")
                }
            }
        }
        out.line()
    }

    /// File-scope extension registering a service protocol's methods.
    func emitServiceRegistration(_ service: ProtoServiceDescriptor, package: String, into out: inout SwiftWriter) {
        let path = SwiftNames.typePath(service.fullName, package: package)
        out.line()
        out.block("extension \(path).ServiceProtocol") { out in
            out.block("public func register(on router: inout RPCRouter)") { out in
                for method in service.methods {
                    let name = SwiftNames.method(method.name)
                    let label = method.serverStreaming ? "streaming: " : ""
                    out.line("router.register(\(label)\(path).\(name)) { request, context in try await self.\(name)(request, context: context) }")
                }
            }
        }
    }

    func typePath(_ fullName: String) -> String {
        let package = set.declaringFile[fullName].flatMap { file in set.files.first { $0.path == file }?.package } ?? ""
        return SwiftNames.typePath(fullName, package: package)
    }

    func idempotency(_ level: String) -> String {
        switch level {
        case "NO_SIDE_EFFECTS": ".noSideEffects"
        case "IDEMPOTENT": ".idempotent"
        default: ".sideEffects"
        }
    }
}
