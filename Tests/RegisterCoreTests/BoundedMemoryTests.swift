import Testing
import RegisterCore

struct BoundedMemoryTests {
    @Test func forgetsTheOldestIdFirstAndKeepsAReplacedIdsPlace() {
        var memory = BoundedMemory<String, Int>(capacity: 3)
        for (index, id) in ["a", "b", "c", "d"].enumerated() { memory[id] = index }
        #expect(memory["a"] == nil)
        #expect(memory["d"] == 3)
        memory["b"] = 10  // replaced: still the oldest
        memory["e"] = 4
        #expect(memory["b"] == nil)
        #expect(memory["c"] == 2)
        memory["c"] = nil
        #expect(memory["c"] == nil)
        memory["f"] = 5   // takes c's old slot; d and e stay
        #expect(memory["d"] == 3 && memory["e"] == 4 && memory["f"] == 5)
        memory["c"] = 6   // back again, in a new slot
        #expect(memory["c"] == 6 && memory["d"] == nil)
    }
}
