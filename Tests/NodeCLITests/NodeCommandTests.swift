import Testing
@testable import NodeCLI
import Cluster
import RPC

struct NodeCommandTests {
    @Test func parsesServe() throws {
        let command = try NodeCommand.parse(["serve", "--role", "register", "--id", "n2", "--listen", "127.0.0.1:0",
                                             "--peers", "n1=127.0.0.1:701,n2=127.0.0.1:702", "--log-format=json"])
        guard case .serve(let options) = command else { Issue.record("not serve"); return }
        #expect(options.role == .register)
        #expect(options.id == "n2")
        #expect(options.listen.port == 0)
        #expect(options.peers?.members.count == 2)
        #expect(options.logFormat == .json)
        #expect(options.oneRoundWrites)
        #expect(options.peerCodec == .proto)
        guard case .serve(let jsonPeers) = try NodeCommand.parse(["serve", "--role", "register", "--peer-codec", "json"]) else {
            Issue.record("not serve")
            return
        }
        #expect(jsonPeers.peerCodec == .json)
        guard case .serve(let twoPhase) = try NodeCommand.parse(["serve", "--role", "register", "--write-rounds", "2"]) else {
            Issue.record("not serve")
            return
        }
        #expect(!twoPhase.oneRoundWrites)
    }

    @Test(arguments: [
        (["serve"], "--role is required"),
        (["serve", "--role", "voting"], "unknown role 'voting'"),
        (["serve", "--role", "register", "--bogus"], "unknown option '--bogus'"),
        (["serve", "--role", "register", "--listen"], "--listen needs a value"),
        (["serve", "--role", "register", "--listen", "nohost"], "expected HOST:PORT"),
        (["serve", "--role", "register", "--id", "n9", "--peers", "n1=127.0.0.1:1"], "is not among the members"),
        (["serve", "--role", "register", "--peers", "n1=127.0.0.1:1,n1=127.0.0.1:2"], "appears twice"),
        (["serve", "--role", "register", "--peer-transport", "carrier-pigeon"], "--peer-transport must be"),
        (["serve", "--role", "register", "--fsync", "sometimes"], "--fsync must be"),
        (["serve", "--role", "register", "--peer-codec", "xml"], "--peer-codec must be"),
        (["call", "127.0.0.1:1", "a.B/C", "--codec", "xml"], "--codec must be"),
        (["serve", "--role", "bulletin", "--mode", "eventual"], "unknown --mode 'eventual'"),
        (["serve", "--role", "bulletin", "--read-quorum", "0"], "--read-quorum must be"),
        (["serve", "--role", "register", "--peers", "n1=127.0.0.1:1", "--cluster-file", "x.json"], "not both"),
        (["serve", "--role", "register", "--max-connections", "0"], "--max-connections must be"),
        (["serve", "--role", "register", "--write-rounds", "3"], "--write-rounds must be"),
        (["call"], "missing <address>"),
        (["call", "127.0.0.1:1"], "missing <package.Service/Method>"),
        (["call", "127.0.0.1:1", "NoDot/Method"], "package.Service/Method"),
        (["call", "127.0.0.1:1", "a.B/C", "-H", "novalue"], "-H takes"),
        (["cluster", "--replicas", "3"], "--role is required"),
        (["frobnicate"], "unknown command"),
    ])
    func rejectsBadCommandLines(_ arguments: [String], _ message: String) {
        do {
            _ = try NodeCommand.parse(arguments)
            Issue.record("parsed \(arguments)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func parsesCall() throws {
        let command = try NodeCommand.parse(["call", "localhost:808", "node.v1.Health/Check", "@req.json", "-H", "X-Trace: t1", "--timeout", "250ms"])
        guard case .call(let options) = command else { Issue.record("not call"); return }
        #expect(options.address.description == "127.0.0.1:808")
        #expect(options.action == .invoke(method: "node.v1.Health/Check", body: .file("req.json")))
        #expect(options.headers == ["x-trace": "t1"])
        #expect(options.timeout == .milliseconds(250))
        #expect(options.codec == .json)
        guard case .call(let proto) = try NodeCommand.parse(["call", "localhost:808", "node.v1.Health/Check", "--codec", "proto"]) else {
            Issue.record("not call")
            return
        }
        #expect(proto.codec == .proto)
        #expect(try NodeCommand.parse(["call", "[::1]:9", "--list"]) == .call(CallOptionsCLI(address: try SocketAddress(parsing: "[::1]:9"), action: .list)))
    }

    @Test func helpAndVersion() throws {
        #expect(try NodeCommand.parse([]) == .help(nil))
        #expect(try NodeCommand.parse(["serve", "--help"]) == .help("serve"))
        #expect(try NodeCommand.parse(["--version"]) == .version)
        #expect(Usage.text(for: "call").contains("--timeout"))
    }

    @Test func durations() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("2m") == .seconds(120))
        #expect(DurationText.parse("1.5") == .milliseconds(1500))
        #expect(DurationText.parse("soon") == nil)
    }
}
