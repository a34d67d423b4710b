import Testing
@testable import ATSMatching

@Suite("Order id index")
struct OrderIndexTests {
    @Test("agrees with Dictionary over random inserts and removes, dense and sparse ids, through growth",
          arguments: [UInt64(0), 1, 2])
    func againstDictionary(pattern: UInt64) {
        var random = SplitMix(seed: 31 + pattern)
        var index = OrderIndex(minimumCapacity: 4)
        var reference: [UInt64: Int32] = [:]
        var nextDense: UInt64 = 0
        for step in 0..<60_000 {
            let key: UInt64
            switch pattern {
            case 0: key = nextDense                                   // sequential, as venues number orders
            case 1: key = random.next()                               // arbitrary 64-bit ids
            default: key = UInt64(random.below(64)) << 40 | nextDense % 7  // shared low bits, far apart
            }
            if random.below(3) != 0 || reference.isEmpty {
                if reference[key] == nil {
                    let value = Int32(step % 1_000_000)
                    index.insert(key, value)
                    reference[key] = value
                }
                nextDense += 1
            } else {
                let victim = reference.keys.randomElement(using: &random)!
                #expect(index.remove(victim) == reference.removeValue(forKey: victim))
                #expect(index.remove(victim) == -1)
            }
            if step % 997 == 0 {
                for (k, v) in reference { #expect(index.find(k) == v) }
                #expect(index.find(UInt64.max - UInt64(step)) == (reference[UInt64.max - UInt64(step)] ?? -1))
            }
            #expect(index.count == reference.count)
        }
    }
}
