import Foundation
import Testing
import RPC
@testable import NodeBench
import TestSupport

/// A short run of every scenario against real `node` processes: checks the tool works (it starts
/// and stops clusters, produces figures, counts no errors), not how fast anything is.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ScenarioSmokeTests {
    func options(_ scenario: String, _ extra: (inout BenchOptions) -> Void = { _ in }) -> BenchOptions {
        var options = BenchOptions()
        options.scenario = scenario
        options.duration = .seconds(1)
        options.warmup = .milliseconds(200)
        options.concurrency = [2]
        options.keys = 20
        extra(&options)
        return options
    }

    func expectWorking(_ reports: [RunReport], count: Int) {
        #expect(reports.count == count)
        for report in reports {
            #expect(report.result.histogram.total > 0, "\(report.name) did nothing")
            #expect(report.result.errors.isEmpty, "\(report.name) errors: \(report.result.errors)")
            #expect(RunReport.table(reports).contains(report.name))
            #expect(report.result.serverCPUPerOperation.map { $0 > 0 } == true, "\(report.name) has no server CPU figure")
        }
    }

    @Test(arguments: ["register-write", "register-read", "register-mixed"])
    func registerScenarios(_ scenario: String) async throws {
        expectWorking(try await NodeBench.run(options(scenario)), count: 1)
    }

    /// Each codec step checks its own result (a request that does not parse, a response of the
    /// wrong size, a message that decodes to nothing throws), so a short run checks the hot path.
    @Test func codecStepsRunAndReportEveryStep() async throws {
        let table = try await CodecScenario.run(iterations: 50)
        var steps = ["http request", "connect unary call", "http response"]
        for message in ["register StoreRequest", "register OfferResponse", "register QueryRequest", "bulletin PostRequest", "log StepRequest"] {
            for codec in ["json", "proto"] { steps += ["decode \(message)", "encode \(message)"].map { "\($0) (.*)?\(codec)" } }
        }
        for step in steps {
            #expect(table.contains(try Regex(step)), "missing \(step)")
        }
    }

    /// Every raw commit kind and the log (4 KiB records, and 100 B with 1–3 writers) produce figures; the temporary files go.
    @Test func diskMeasuresTheFloorAndTheLog() async throws {
        let reports = try await NodeBench.run(options("disk") { $0.duration = .milliseconds(300); $0.warmup = .milliseconds(50) })
        #expect(reports.map(\.name) == ["disk raw append 4KiB+fdatasync", "disk raw fallocated 4KiB+fdatasync",
                                        "disk raw prewritten 4KiB+fdatasync", "disk wal 4KiB+sync writers=1",
                                        "disk wal 100B+sync writers=1", "disk wal 100B+sync writers=2",
                                        "disk wal 100B+sync writers=3"])
        for report in reports { #expect(report.result.histogram.total > 0 && report.result.errors.isEmpty, "\(report.name)") }
        #expect(reports[3].note.contains("of a pre-written overwrite's"))
        let left = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("node-bench-disk-") }
        #expect(!left.contains("node-bench-disk-\(ProcessInfo.processInfo.processIdentifier)"))
    }

    @Test(arguments: ["bulletin-post", "bulletin-list"])
    func bulletinScenariosRunInEveryMode(_ scenario: String) async throws {
        expectWorking(try await NodeBench.run(options(scenario) { $0.articles = 50 }), count: 3)
    }

    @Test func failoverReportsTheTimeToTheNextWrite() async throws {
        let reports = try await NodeBench.run(options("failover") { $0.duration = .seconds(3) })
        #expect(reports.count == 1)
        #expect(reports[0].result.histogram.total > 0)
        // Whether a post made it after the kill within the run depends on the machine's speed, so
        // only the report of the kill itself is checked here (no timing assertion).
        #expect(reports[0].note.contains("killed"), "\(reports[0].note)")
    }

    @Test func rpcScenarioComparesTransports() async throws {
        expectWorking(try await NodeBench.run(options("rpc")), count: 2)
    }

    /// With nginx present: both rows, with nginx's workers' CPU counted, and the ratio on ours.
    /// Without it: a refusal that says how to get it (the bench installs nothing).
    @Test func rpcComparesWithNginxOrSaysHowToGetIt() async throws {
        let options = options("rpc") { $0.compare = "nginx"; $0.transports = ["pooled"] }
        guard NginxServer.binary != nil else {
            await #expect(throws: BenchError("--compare nginx needs nginx on the PATH or in /usr/sbin (Debian: apt-get install nginx-light)")) {
                try await NodeBench.run(options)
            }
            return
        }
        let reports = try await NodeBench.run(options)
        expectWorking(reports, count: 2)
        #expect(reports.map(\.name) == ["rpc pooled", "rpc nginx pooled"])
        #expect(reports[0].note.hasPrefix("vs nginx: throughput ×"))
    }

    /// Two leader stops, each followed by an acknowledged write and a restart.
    @Test(arguments: ["kill", "term"])
    func consensusFailoverMeasuresEveryTrial(_ signal: String) async throws {
        let reports = try await NodeBench.run(options("failover") { $0.role = "consensus"; $0.signal = signal; $0.trials = 2 })
        #expect(reports.count == 1)
        #expect(reports[0].result.histogram.total == 2, "\(reports[0].note)")
    }

    /// A small board with frequent snapshots: both runs post everything, the storage and restart
    /// figures are reported.
    @Test func bulletinCompactionReportsStorageAndRestart() async throws {
        let reports = try await NodeBench.run(options("bulletin-compaction") { $0.articles = 400; $0.articlesGiven = true; $0.snapshotEvery = 100 })
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { $0.result.histogram.total == 400 })
        #expect(reports[0].note.contains("snapshot") && reports[0].note.contains("restarted"), "\(reports[0].note)")
    }

    @Test func consensusScenarioDecidesPools() async throws {
        let reports = try await NodeBench.run(options("consensus-decide") { $0.members = [3]; $0.strategies = ["mixed"]; $0.replicaCounts = [3] })
        expectWorking(reports, count: 1)
        #expect(reports[0].note.contains("rounds"))
    }

    /// Two runs against the same running node (`--target`): the second creates pools of its own
    /// (its ids did repeat the first run's, and every CreatePool failed with already_exists).
    @Test func consensusRunsAgainstOneTargetDoNotCollide() async throws {
        let cluster = try await NodeCluster(role: "consensus", replicas: 1)
        defer { cluster.stop() }
        let target = cluster.addresses.map(\.description).joined(separator: ",")
        for _ in 0..<2 {
            // No warmup: collisions would fail fast and all fall within it.
            let reports = try await NodeBench.run(options("consensus-decide") {
                $0.members = [3]; $0.strategies = ["random"]; $0.target = target; $0.warmup = .zero
            })
            #expect(reports.count == 1 && reports[0].result.histogram.total > 0)
            #expect(reports[0].result.errors.isEmpty, "\(reports[0].result.errors)")
        }
    }

    @Test func jsonOutputCarriesTheConfiguration() async throws {
        let path = ScratchDirectory.path("bench") + ".json"
        let options = options("register-read")
        let reports = try await NodeBench.run(options)
        try NodeBench.writeJSON(reports, options: options, to: path)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect(object?["scenario"] as? String == "register-read")
        #expect((object?["runs"] as? [[String: Any]])?.first?["p99_us"] != nil)
        #expect((object?["runs"] as? [[String: Any]])?.first?["server_cpu_us_per_op"] is Double)
        #expect(object?["cores"] != nil)
    }

    /// The launcher stops every process it started and removes its data, also when the scenario fails.
    @Test func theLauncherCleansUpAfterAFailingScenario() async throws {
        struct ScenarioFailed: Error {}
        var pids: [Int32] = []
        var directory = ""
        do {
            let cluster = try await NodeCluster(role: "register", replicas: 3)
            defer { cluster.stop() }
            pids = cluster.processes.map(\.processIdentifier)
            directory = cluster.directory
            #expect(pids.allSatisfy { kill($0, 0) == 0 })
            throw ScenarioFailed()
        } catch is ScenarioFailed {}
        #expect(pids.count == 3)
        for pid in pids { #expect(kill(pid, 0) != 0, "process \(pid) still running") }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    /// A run that completed nothing shows `-` for its latencies, never a misleading 0 µs.
    @Test func aRunWithoutOperationsPrintsDashes() {
        let row = RunReport(name: "empty", concurrency: 1, result: LoadGenerator.Result()).row
        #expect(Array(row[4...9]) == ["-", "-", "-", "-", "-", "-"])
        #expect(row[2] == "0")
    }

    @Test func unknownScenariosAndBadFlagsAreRefused() throws {
        #expect(throws: BenchError.self) { try BenchOptions.parse(["register-write", "--concurrency", "0"]) }
        #expect(throws: BenchError.self) { try BenchOptions.parse(["rpc", "--compare", "redis"]) }
        #expect(throws: BenchError.self) { try BenchOptions.parse([]) }
        #expect(throws: BenchError("error: unknown option '--bogus'\nsee 'node-bench --help'")) { try BenchOptions.parse(["rpc", "--bogus"]) }
        // --help is a request, not an error (node-bench prints the usage and exits 0).
        #expect(try BenchOptions.parse(["--help"]).help)
        #expect(try BenchOptions.parse(["rpc", "-h"]).help)
    }
}
