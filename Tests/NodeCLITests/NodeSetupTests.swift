import Cluster
import Foundation
import RPC
import Testing
@testable import NodeCLI
import TestSupport

struct NodeSetupTests {
    func options(_ arguments: [String]) throws -> ServeOptions {
        guard case .serve(let options) = try NodeCommand.parse(["serve", "--role", "register"] + arguments) else {
            throw ProcessError("not serve")
        }
        return options
    }

    func file(_ contents: String) throws -> String {
        let path = ScratchDirectory.path("setup")
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func clusterTokenComesFromTheFlagTheFileOrTheEnvironment() throws {
        #expect(try NodeSetup.resolve(try options(["--cluster-token", "flag"]), environment: ["NODE_CLUSTER_TOKEN": "env"]).clusterToken == "flag")
        let tokenFile = try file("from-file\n")
        #expect(try NodeSetup.resolve(try options(["--cluster-token-file", tokenFile]), environment: [:]).clusterToken == "from-file")
        #expect(try NodeSetup.resolve(try options([]), environment: ["NODE_CLUSTER_TOKEN": "env"]).clusterToken == "env")
        #expect(try NodeSetup.resolve(try options([]), environment: [:]).clusterToken == nil)
        #expect(throws: UsageError.self) { try NodeSetup.resolve(try options(["--cluster-token-file", "/nonexistent"]), environment: [:]) }
    }

    @Test func membershipComesFromAClusterFile() throws {
        let path = try file(#"{"members":[{"id":"n1","address":"127.0.0.1:701"},{"id":"n2","address":"127.0.0.1:702"}]}"#)
        let setup = try NodeSetup.resolve(try options(["--id", "n2", "--cluster-file", path]), environment: [:])
        #expect(setup.membership.ids == ["n1", "n2"])
        #expect(setup.membership.selfID == "n2")
        let wrongID = try options(["--id", "n9", "--cluster-file", path])
        #expect(throws: UsageError.self) { try NodeSetup.resolve(wrongID, environment: [:]) }
        let single = try NodeSetup.resolve(try options([]), environment: [:])
        #expect(single.membership.ids == ["n1"])
    }

    @Test func clientTokensFileIsParsed() throws {
        let path = try file("alice a-token\n")
        #expect(try NodeSetup.resolve(try options(["--client-tokens", path]), environment: [:]).clientTokens == ["alice": "a-token"])
        let bad = try file("too many words here\n")
        #expect(throws: UsageError.self) { try NodeSetup.resolve(try options(["--client-tokens", bad]), environment: [:]) }
    }

    @Test func bulletinModesAndQuorumsAreValidated() throws {
        func bulletin(_ arguments: [String]) throws -> ServeOptions {
            guard case .serve(let options) = try NodeCommand.parse(["serve", "--role", "bulletin"] + arguments) else {
                throw ProcessError("not serve")
            }
            return options
        }
        #expect(try bulletin(["--mode", "read-your-write"]).mode == .readYourWrites)
        #expect(try bulletin(["--mode", "READ-YOUR-WRITES"]).mode == .readYourWrites)
        #expect(try bulletin([]).mode == .sequential)
        let three = ["--id", "n1", "--peers", "n1=127.0.0.1:1,n2=127.0.0.1:2,n3=127.0.0.1:3"]
        #expect(throws: Never.self) { try NodeSetup.resolve(try bulletin(three + ["--mode", "quorum", "--read-quorum", "1", "--write-quorum", "3"]), environment: [:]) }
        #expect(throws: UsageError.self) { try NodeSetup.resolve(try bulletin(three + ["--mode", "quorum", "--read-quorum", "1", "--write-quorum", "2"]), environment: [:]) }
        #expect(throws: UsageError.self) { try NodeSetup.resolve(try bulletin(three + ["--mode", "quorum", "--write-quorum", "4"]), environment: [:]) }
        #expect(throws: UsageError.self) { try NodeSetup.resolve(try bulletin(three + ["--read-quorum", "2"]), environment: [:]) }
    }

    @Test func clusterPassesTheBulletinModeToEveryReplica() throws {
        guard case .cluster(let options) = try NodeCommand.parse(["cluster", "--role", "bulletin", "--mode", "read-your-write"]) else {
            throw ProcessError("not cluster")
        }
        #expect(options.serveArguments == ["--mode", "read-your-writes"])
        #expect(throws: UsageError.self) { try NodeCommand.parse(["cluster", "--role", "bulletin", "--mode", "eventual"]) }
    }

    @Test func eventLoopsAreAnOptionWithinBounds() throws {
        #expect(try options([]).eventLoops == nil)
        #expect(try options(["--event-loops", "3"]).eventLoops == 3)
        #expect(throws: UsageError.self) { try options(["--event-loops", "0"]) }
        #expect(throws: UsageError.self) { try options(["--event-loops", "17"]) }
        // Co-located replicas divide the cores, one loop at least.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(EventLoop.share(among: 1) == cores)
        #expect(EventLoop.share(among: cores * 4) == 1)
    }
}
