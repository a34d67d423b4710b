/// SplitMix64: a small, fast, seeded generator that gives the same sequence on every platform.
///
/// Every seeded thing in ATS Router draws from it: the market simulations, the demo, the op-stream
/// generator (which must match the shared C++ generator bit for bit) and the tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `next() % n` (slightly biased for huge n, as the C++ generator is; fine for simulations).
    public mutating func below(_ n: UInt64) -> UInt64 { next() % n }

    /// `below(n)` as an `Int`.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A double in [0, 1) from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
}
