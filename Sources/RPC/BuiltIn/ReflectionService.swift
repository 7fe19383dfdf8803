/// `node.v1.Reflection`: the router describing itself (services, methods, message schemas).
///
/// Guarantees: answers from the same registry that routes requests, so it cannot drift from it.
public struct ReflectionService: NodeV1.Reflection.ServiceProtocol {
    /// The registry to describe; the final router, so it includes this service too.
    let registry: @Sendable () -> RPCRouter

    public init(registry: @escaping @Sendable () -> RPCRouter) {
        self.registry = registry
    }

    public func listServices(_ request: NodeV1.ListServicesRequest, context: RPCContext) async throws -> NodeV1.ListServicesResponse {
        NodeV1.ListServicesResponse(services: Self.describeAll(registry()))
    }

    public func describeService(_ request: NodeV1.DescribeServiceRequest, context: RPCContext) async throws -> NodeV1.DescribeServiceResponse {
        let router = registry()
        guard let service = Self.describeAll(router).first(where: { $0.name == request.service }) else {
            throw ConnectError(.notFound, "no service named \"\(request.service)\"; see ListServices")
        }
        let names = Set(router.methods.filter { $0.service == request.service }.flatMap { [$0.request.name, $0.response.name] })
        let all = router.messageSchemas
        var wanted: [String] = []
        var queue = Array(names).sorted()
        while let name = queue.popLast() {
            guard !wanted.contains(name), let schema = all[name] else { continue }
            wanted.append(name)
            for field in schema.fields {
                if case .message(let make) = field.type { queue.append(make().name) }
            }
        }
        let messages = wanted.sorted().compactMap { all[$0] }.map(NodeV1.MessageDescription.init)
        return NodeV1.DescribeServiceResponse(service: service, messages: messages)
    }

    static func describeAll(_ router: RPCRouter) -> [NodeV1.ServiceDescription] {
        router.serviceNames.map { name in
            NodeV1.ServiceDescription(name: name, methods: router.methods.filter { $0.service == name }.map(NodeV1.MethodDescription.init))
        }
    }
}

extension ReflectionService {
    /// Registers reflection on `router`, describing the router as it is after this call.
    public static func install(on router: inout RPCRouter) {
        let box = RouterBox()
        router.register(ReflectionService { box.router })
        box.set(router)
    }
}

import Synchronization

/// Holds the finished router for the reflection service, which is registered before it is finished.
final class RouterBox: Sendable {
    private let value = Mutex(RPCRouter())
    var router: RPCRouter { value.withLock { $0 } }
    func set(_ router: RPCRouter) { value.withLock { $0 = router } }
}
