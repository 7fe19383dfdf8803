// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Specializes generic code across our modules (the RPC layer's codecs and clients as used by
    // the services): c=1 register writes ≈ 2.7 % faster in alternated runs. This package offers
    // executables only, no library products, so the unsafe flag restricts no dependent.
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "node",
    products: [
        .executable(name: "node", targets: ["node"]),
        .executable(name: "node-bench", targets: ["NodeBench"]),
    ],
    targets: [
        // epoll and zlib, which Glibc does not import cleanly, and the CPU's CRC-32C.
        .target(
            name: "CNodeSystem",
            linkerSettings: [.linkedLibrary("z")]
        ),
        // A strict JSON parser, writer and Codable decoder/encoder (stdlib only).
        .target(
            name: "JSON",
            swiftSettings: swiftSettings
        ),
        // The majority of a cluster and the seeded generator every core, simulation and test uses (stdlib only).
        .target(
            name: "ReplicaMath",
            swiftSettings: swiftSettings
        ),
        // The .proto reader and Swift code generator (stdlib only), and its command line.
        .target(
            name: "ProtoGenKit",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ProtoGen",
            dependencies: ["ProtoGenKit"],
            swiftSettings: swiftSettings
        ),
        // Runs ProtoGen at build time for each target listed in Protocols/swift-modules.txt.
        .plugin(
            name: "ProtoGenPlugin",
            capability: .buildTool(),
            dependencies: ["ProtoGen"]
        ),
        // Turns files into Swift string constants, and the plugin that runs it for a target's Embedded/ folder.
        .executableTarget(
            name: "EmbedFiles",
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "EmbedFilesPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedFiles"]
        ),
        // The RPC layer: sockets, HTTP/1.1, Connect protocol, router, clients, logging.
        .target(
            name: "RPC",
            dependencies: ["ReplicaMath", "CNodeSystem", "JSON"],
            swiftSettings: swiftSettings,
            plugins: ["ProtoGenPlugin"]
        ),
        // The write-ahead log and data-directory lock shared by every role.
        .target(
            name: "Storage",
            dependencies: ["CNodeSystem"],
            swiftSettings: swiftSettings
        ),
        // What every role's replication shares: the peer batcher (more of the kit to come, see #20).
        .target(
            name: "Replication",
            dependencies: ["ReplicaMath", "RPC", "Cluster", "Storage"],
            swiftSettings: swiftSettings
        ),
        // Membership, peer transports, authentication wiring, failure detection, the rebuild gate.
        .target(
            name: "Cluster",
            dependencies: ["ReplicaMath", "RPC", "Storage"],
            swiftSettings: swiftSettings,
            plugins: ["ProtoGenPlugin"]
        ),
        // Voting pools as a pure state machine (stdlib only).
        .target(
            name: "ConsensusCore",
            dependencies: ["ReplicaMath"],
            swiftSettings: swiftSettings
        ),
        // The consensus role: the pools as a replicated-log machine, the service, its node and the voting agent.
        .target(
            name: "ConsensusService",
            dependencies: ["ReplicaMath", "ConsensusCore", "ReplicatedLog", "LogReplica", "RPC", "Storage", "Cluster", "JSON"],
            swiftSettings: swiftSettings,
            plugins: ["ProtoGenPlugin"]
        ),
        // ABD register building blocks as pure values (stdlib only).
        .target(
            name: "RegisterCore",
            dependencies: ["ReplicaMath"],
            swiftSettings: swiftSettings
        ),
        // The register role: ABD coordinator, durable replica, peer batching, anti-entropy, client.
        .target(
            name: "RegisterService",
            dependencies: ["Replication", "ReplicaMath", "RegisterCore", "RPC", "Storage", "Cluster", "JSON"],
            swiftSettings: swiftSettings,
            plugins: ["ProtoGenPlugin"]
        ),
        // A Raft-style replicated log as a pure state machine (stdlib only).
        .target(
            name: "ReplicatedLog",
            dependencies: ["ReplicaMath"],
            swiftSettings: swiftSettings
        ),
        // The replicated-log shell: any ReplicatedStateMachine on Raft, over the WAL and peer RPCs.
        .target(
            name: "LogReplica",
            dependencies: ["Replication", "ReplicatedLog", "RPC", "Storage", "Cluster", "JSON"],
            swiftSettings: swiftSettings,
            plugins: ["ProtoGenPlugin"]
        ),
        // Bulletin board state: articles, reply trees, paging, digests, session tokens (stdlib only).
        .target(
            name: "BulletinCore",
            swiftSettings: swiftSettings
        ),
        // The bulletin role: the three consistency modes (sequential on LogReplica), the web page.
        .target(
            name: "BulletinService",
            dependencies: ["Replication", "BulletinCore", "ReplicatedLog", "LogReplica", "RPC", "Storage", "Cluster", "JSON"],
            exclude: ["Embedded"],
            swiftSettings: swiftSettings,
            plugins: ["ProtoGenPlugin", "EmbedFilesPlugin"]
        ),
        // Test helpers shared by test targets (never linked into `node`).
        .target(
            name: "TestSupport",
            dependencies: ["ReplicaMath", "RPC", "RegisterCore", "BulletinCore", "ReplicatedLog", "LogReplica"],
            swiftSettings: swiftSettings
        ),
        // The `node` command line: parse into a value, then run.
        .target(
            name: "NodeCLI",
            dependencies: ["Replication", "ReplicaMath", "RPC", "Cluster", "Storage", "ConsensusService", "RegisterService", "BulletinService", "LogReplica"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "node",
            dependencies: ["NodeCLI"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "NodeBench",
            dependencies: ["ReplicaMath", "RPC", "ConsensusService", "RegisterService", "BulletinService", "LogReplica", "Storage"],
            path: "Benchmarks",
            swiftSettings: swiftSettings
        ),
        // The generated messages of every package: round trips, hostile input, golden JSON.
        .testTarget(
            name: "WireTests",
            dependencies: ["ReplicaMath", "RPC", "JSON", "Cluster", "RegisterService", "LogReplica", "ConsensusService", "BulletinService", "TestSupport"],
            exclude: ["Protos"],
            resources: [.copy("Golden")],
            swiftSettings: swiftSettings,
            plugins: ["ProtoGenPlugin"]
        ),
        .testTarget(
            name: "ProtoGenKitTests",
            dependencies: ["ProtoGenKit"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReplicationTests",
            dependencies: ["Replication", "RPC", "Cluster", "Storage", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReplicaMathTests",
            dependencies: ["ReplicaMath"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JSONTests",
            dependencies: ["ReplicaMath", "JSON"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RPCTests",
            dependencies: ["ReplicaMath", "RPC", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterTests",
            dependencies: ["Cluster", "RPC", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsensusCoreTests",
            dependencies: ["ReplicaMath", "ConsensusCore", "ReplicatedLog", "RPC", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsensusServiceTests",
            dependencies: ["ConsensusService", "ConsensusCore", "ReplicatedLog", "LogReplica", "RPC", "Storage", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RegisterCoreTests",
            dependencies: ["ReplicaMath", "RegisterCore", "TestSupport", "RPC"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RegisterServiceTests",
            dependencies: ["Replication", "ReplicaMath", "RegisterService", "RegisterCore", "Cluster", "RPC", "Storage", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReplicatedLogTests",
            dependencies: ["ReplicaMath", "ReplicatedLog", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LogReplicaTests",
            dependencies: ["LogReplica", "ReplicatedLog", "Cluster", "RPC", "Storage", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BulletinCoreTests",
            dependencies: ["BulletinCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BulletinServiceTests",
            dependencies: ["Replication", "ReplicaMath", "BulletinService", "BulletinCore", "ReplicatedLog", "LogReplica", "Cluster", "RPC", "Storage", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NodeBenchTests",
            dependencies: ["ReplicaMath", "NodeBench", "node", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NodeCLITests",
            dependencies: ["ReplicaMath", "NodeCLI", "RPC", "ConsensusService", "RegisterService", "RegisterCore", "BulletinService", "BulletinCore",
                           "TestSupport", "node"],
            swiftSettings: swiftSettings
        ),
    ]
)
