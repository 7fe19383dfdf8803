import ReplicaMath
import Testing

struct MajorityTests {
    /// Two majorities of the same cluster always share a member, and one fewer would not.
    @Test func anyTwoMajoritiesIntersect() {
        for count in 0...64 {
            let quorum = majority(of: count)
            #expect(2 * quorum > count, "\(count)")
            #expect(2 * (quorum - 1) <= count, "\(count)")
        }
        #expect([1, 2, 3, 4, 5, 9].map { majority(of: $0) } == [1, 2, 2, 3, 3, 5])
    }
}
