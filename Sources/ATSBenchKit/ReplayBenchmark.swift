import Histogram

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Times a replay the way the op-stream README prescribes: prefill untimed, then one clock read
/// around all the remaining records.
public enum ReplayBenchmark {
    public struct Run: Sendable {
        public let totals: Replayer.Totals
        public let mismatches: [String]
        public let measuredOps: Int
        public let elapsedNanoseconds: UInt64

        public var nanosecondsPerOp: Double { Double(elapsedNanoseconds) / Double(max(1, measuredOps)) }
        public var opsPerSecond: Double { Double(measuredOps) / (Double(elapsedNanoseconds) / 1e9) }
    }

    /// Per-operation latency percentiles in nanoseconds, by op kind and over all ops.
    public struct Latency: Sendable {
        public struct Percentiles: Sendable {
            public let label: String
            public let count: UInt64
            public let p50: UInt64
            public let p99: UInt64
            public let p999: UInt64
            public let max: UInt64
        }
        public let rows: [Percentiles]
    }

    /// One timed replay.
    public static func run(_ stream: OpStream) -> Run {
        var replayer = Replayer(stream: stream)
        replayer.prefill()
        let measured = replayer.remaining
        let start = monotonicNanoseconds()
        replayer.applyRest()
        let elapsed = monotonicNanoseconds() - start
        return Run(
            totals: replayer.totals, mismatches: replayer.mismatches, measuredOps: measured,
            elapsedNanoseconds: elapsed)
    }

    /// One replay with a clock read around every operation (slower overall: the clock costs ~20 ns a read).
    public static func latency(_ stream: OpStream) -> (Run, Latency) {
        var replayer = Replayer(stream: stream)
        replayer.prefill()
        let measured = replayer.remaining
        var histograms = [Histogram<UInt64>](
            repeating: Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three),
            count: 3)
        var total: UInt64 = 0
        while true {
            let start = monotonicNanoseconds()
            guard let kind = replayer.applyNext() else { break }
            let elapsed = monotonicNanoseconds() - start
            total += elapsed
            _ = histograms[Int(kind.rawValue)].record(elapsed)
        }
        var all = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        for histogram in histograms { all.add(histogram) }
        let labels = ["GTC add", "IOC add", "cancel", "all"]
        let rows = (histograms + [all]).enumerated().filter { $0.element.totalCount > 0 }.map { index, histogram in
            Latency.Percentiles(
                label: labels[index], count: histogram.totalCount,
                p50: histogram.valueAtPercentile(50), p99: histogram.valueAtPercentile(99),
                p999: histogram.valueAtPercentile(99.9), max: histogram.max)
        }
        let run = Run(
            totals: replayer.totals, mismatches: replayer.mismatches, measuredOps: measured,
            elapsedNanoseconds: total)
        return (run, Latency(rows: rows))
    }
}

/// A monotonic clock in nanoseconds.
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
