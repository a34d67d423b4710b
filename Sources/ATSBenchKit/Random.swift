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
