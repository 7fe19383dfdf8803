import Foundation
import Testing
@testable import NodeBench

struct ProcessCPUTests {
    @Test func readsThisProcessAndSkipsMissingOnes() {
        var spin = 0.0
        for index in 0..<2_000_000 { spin += sqrt(Double(index)) }
        #expect(spin > 0)
        let own = ProcessCPU.seconds(of: [getpid()])
        #expect(own.map { $0 > 0 } == true)
        // A pid that cannot exist (above pid_max) reads as nothing; with a live one it adds zero.
        #expect(ProcessCPU.seconds(of: [Int32.max]) == nil)
        #expect(ProcessCPU.seconds(of: [getpid(), Int32.max]) != nil)
    }
}
