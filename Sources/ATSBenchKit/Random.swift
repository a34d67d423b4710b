/// SplitMix64, exactly as the shared generator (`gen_ops.cpp`) defines it.
public struct SplitMix64: Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `next() % n`, as the C++ `below`.
    public mutating func below(_ n: UInt64) -> UInt64 { next() % n }

    /// A double in [0, 1) from the top 53 bits, as the C++ `unit`.
    public mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
}

/// glibc's `rand()` (the TYPE_3 additive feedback generator behind `random_r`), so that the `pt`
/// stream, which the shared generator draws from `srand(3)`, comes out byte for byte on any platform.
public struct GlibcRandom: Sendable {
    private var state: [UInt32]
    private var front = 3
    private var rear = 0

    public init(seed: UInt32) {
        state = [UInt32](repeating: 0, count: 31)
        let start = seed == 0 ? 1 : seed
        state[0] = start
        var word = Int64(start)
        for i in 1..<31 {
            let high = word / 127_773
            let low = word % 127_773
            word = 16_807 * low - 2_836 * high
            if word < 0 { word += 2_147_483_647 }
            state[i] = UInt32(truncatingIfNeeded: word)
        }
        for _ in 0..<310 { _ = next() }
    }

    /// The next value in 0...2³¹−1, as `rand()`.
    public mutating func next() -> Int32 {
        state[front] &+= state[rear]
        let result = Int32(state[front] >> 1)
        front = front == 30 ? 0 : front + 1
        rear = rear == 30 ? 0 : rear + 1
        return result
    }
}
