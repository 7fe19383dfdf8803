public import Foundation
public import RPC

/// Compares a router's registry with the `.proto` files: methods, types, streaming, idempotency,
/// and every reachable message's fields (name, number, type, label) and enum values.
public enum ProtoContract {
    public static var protocolsDirectory: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url = url.deletingLastPathComponent()
        }
        return url.appendingPathComponent("Protocols")
    }

    /// Problems found; empty when registry and files agree for the given services.
    public static func problems(router: RPCRouter, services: [String]) throws -> [String] {
        let proto = try ProtoFile.load(directory: protocolsDirectory)
        var problems: [String] = []
        for service in services {
            let registered = router.methods.filter { $0.service == service }
            guard let declared = proto.services[service] else {
                problems.append("service \(service) is not declared in Protocols/")
                continue
            }
            for rpc in declared where !registered.contains(where: { $0.method == rpc.name }) {
                problems.append("\(service)/\(rpc.name) is declared but not registered")
            }
            for method in registered {
                guard let rpc = declared.first(where: { $0.name == method.method }) else {
                    problems.append("\(method.path) is registered but not declared")
                    continue
                }
                if rpc.request != method.request.name { problems.append("\(method.path) request \(method.request.name) vs \(rpc.request)") }
                if rpc.response != method.response.name { problems.append("\(method.path) response \(method.response.name) vs \(rpc.response)") }
                if rpc.streaming != (method.kind == .serverStreaming) { problems.append("\(method.path) streaming differs") }
                if rpc.idempotency != method.idempotency.rawValue { problems.append("\(method.path) idempotency \(method.idempotency.rawValue) vs \(rpc.idempotency)") }
            }
        }
        let schemas = router.messageSchemas
        for (name, schema) in schemas where services.contains(where: { name.hasPrefix(packageOf($0) + ".") }) {
            guard let fields = proto.messages[name] else {
                problems.append("message \(name) is not declared")
                continue
            }
            let declared = fields.map { "\($0.label) \($0.type) \($0.name) = \($0.number)" }.sorted()
            let registered = schema.fields.map { field -> String in
                let label = switch field.label { case .singular: ""; case .optional: "optional"; case .repeated: "repeated" }
                return "\(label) \(field.type.protoName) \(field.name) = \(field.number)"
            }.sorted()
            if declared != registered { problems.append("message \(name): declared \(declared) vs registered \(registered)") }
            for field in schema.fields {
                if case .enumeration(let enumSchema) = field.type {
                    let declaredValues = proto.enums[enumSchema.name]?.map { "\($0.0)=\($0.1)" } ?? []
                    let registeredValues = enumSchema.values.map { "\($0.name)=\($0.number)" }
                    if declaredValues != registeredValues { problems.append("enum \(enumSchema.name): \(declaredValues) vs \(registeredValues)") }
                }
            }
        }
        return problems
    }

    static func packageOf(_ service: String) -> String {
        service.split(separator: ".").dropLast().joined(separator: ".")
    }
}
