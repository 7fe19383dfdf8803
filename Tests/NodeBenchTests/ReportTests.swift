@testable import NodeBench
import Testing

/// The table under a run: errors are counted in the row and the first of each kind is spelled
/// out below it, so a failing run says why.
struct ReportTests {
    @Test func theFirstErrorOfEachCodeIsPrintedUnderTheTable() {
        var result = LoadGenerator.Result()
        result.histogram.record(1_000_000)
        result.errors = ["client_error": 2, "unavailable": 1]
        result.firstErrors = ["client_error": "pool=p1 undecided after 30 s", "unavailable": "no leader elected yet; retry"]
        let table = RunReport.table([RunReport(name: "consensus-decide n=3 mixed", concurrency: 1, result: result)])
        #expect(table.contains("client_error=2 unavailable=1"))
        #expect(table.contains("consensus-decide n=3 mixed c=1: first client_error: pool=p1 undecided after 30 s"))
        #expect(table.contains("consensus-decide n=3 mixed c=1: first unavailable: no leader elected yet; retry"))
    }
}
