/// `node.v1.Reflection`: the router describing itself (services, methods, message schemas).
///
/// Guarantees: answers from the same registry that routes requests, so it cannot drift from it.
public struct ReflectionService: RPCService {
    public static let listServices = RPCMethod<ListServicesRequest, ListServicesResponse>(
        "node.v1.Reflection", "ListServices", idempotency: .noSideEffects)
    public static let describeService = RPCMethod<DescribeServiceRequest, DescribeServiceResponse>(
        "node.v1.Reflection", "DescribeService", idempotency: .noSideEffects)

    /// The registry to describe; the final router, so it includes this service too.
    let registry: @Sendable () -> RPCRouter

    public init(registry: @escaping @Sendable () -> RPCRouter) {
        self.registry = registry
    }

    public func register(on router: inout RPCRouter) {
        let registry = self.registry
        router.register(Self.listServices) { _, _ in
            ListServicesResponse(services: Self.describeAll(registry()))
        }
        router.register(Self.describeService) { request, _ in
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
            let messages = wanted.sorted().compactMap { all[$0] }.map(MessageDescription.init)
            return DescribeServiceResponse(service: service, messages: messages)
        }
    }

    static func describeAll(_ router: RPCRouter) -> [ServiceDescription] {
        router.serviceNames.map { name in
            ServiceDescription(name: name, methods: router.methods.filter { $0.service == name }.map(MethodDescription.init))
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
