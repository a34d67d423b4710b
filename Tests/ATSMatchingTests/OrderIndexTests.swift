import ATSDomain
import Testing

@testable import ATSMatching

@Suite("Order id index")
struct OrderIndexTests {
    @Test(
        "agrees with Dictionary over random inserts and removes: sequential, arbitrary, clashing, parked-ahead ids",
        arguments: [UInt64(0), 1, 2, 3, 4])
    func againstDictionary(pattern: UInt64) {
        var random = SplitMix64(seed: 31 + pattern)
        var index = OrderIndex(minimumCapacity: 4)
        var reference: [UInt64: Int32] = [:]
        var keys: [UInt64] = []
        var nextDense: UInt64 = 0
        for step in 0..<150_000 {
            let key: UInt64
            switch pattern {
            case 0: key = nextDense  // sequential, as venues number orders
            case 1: key = random.next()  // arbitrary 64-bit ids
            case 2: key = UInt64(random.below(64)) << 40 | nextDense % 7  // shared low bits, far apart
            case 3: key = nextDense + UInt64(random.below(200))  // ahead, far ahead, reused
            default: key = random.below(10) == 0 ? nextDense + 150 : nextDense  // parked ahead, then reached
            }
            // Hold about 2,000 live ids while the ids themselves run far ahead, so the window slides.
            if keys.count < 2_000 || random.below(2) == 0 {
                if reference[key] == nil {
                    let value = Int32(step % 1_000_000)
                    index.insert(key, value)
                    reference[key] = value
                    keys.append(key)
                }
                nextDense += 1
            } else {
                let position = random.below(keys.count)
                let victim = keys[position]
                keys.swapAt(position, keys.count - 1)
                keys.removeLast()
                #expect(index.remove(victim) == reference.removeValue(forKey: victim))
                #expect(index.remove(victim) == -1)
            }
            if step % 4_999 == 0 {
                for (k, v) in reference { #expect(index.find(k) == v) }
                #expect(index.find(nextDense + 10_000) == -1)
            }
            #expect(index.count == reference.count)
        }
        for (k, v) in reference { #expect(index.find(k) == v) }
        if pattern == 0 { #expect(index.windowStart > 0, "the window never slid") }
    }
}
