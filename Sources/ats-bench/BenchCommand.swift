import ATSBenchKit
import ArgumentParser

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ats-bench",
        abstract: "Benchmarks for ATS Router. Measure the release build: swift build -c release.",
        subcommands: [Replay.self, Generate.self, PlanBench.self, LoadBench.self, StreamBench.self, FIXBench.self]
    )
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a binary op stream into the matching engine and time it.",
        discussion: """
            The first `prefill` records are applied untimed; one clock read brackets the rest.
            Exits non-zero unless trades, volume, notional and resting orders equal the header's.
            """
    )

    @Argument(help: "The .ops file (see `ats-bench generate`).")
    var file: String

    @Option(help: "How many timed replays; the median is reported.")
    var runs: Int = 1

    @Flag(help: "Also time every operation and print p50/p99/p99.9 per operation kind.")
    var latency = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let stream: OpStream
        do {
            stream = try OpStream(contentsOfFile: file)
        } catch {
            throw ValidationError(error.message)
        }
        let header = stream.header
        print("\(file): \(header.count) ops, \(header.prefill) prefill, \(header.count - header.prefill) timed")
        var timings: [Double] = []
        for run in 1...runs {
            let result = ReplayBenchmark.run(stream)
            guard result.mismatches.isEmpty else {
                throw BenchFailure(
                    "replay \(run) does not match the header: " + result.mismatches.joined(separator: "; "))
            }
            timings.append(result.nanosecondsPerOp)
            print(
                "run \(run): \(format(result.nanosecondsPerOp)) ns/op, \(format(result.opsPerSecond / 1e6)) M ops/s  [\(result.totals)]"
            )
        }
        let median = timings.sorted()[timings.count / 2]
        print(
            "median: \(format(median)) ns/op, \(format(1e3 / median)) M ops/s over \(runs) run(s); results match the header"
        )
        if latency {
            let (result, percentiles) = ReplayBenchmark.latency(stream)
            guard result.mismatches.isEmpty else {
                throw BenchFailure(
                    "latency replay does not match the header: " + result.mismatches.joined(separator: "; "))
            }
            print("latency per operation (ns, clock read included):")
            print("  kind        count        p50      p99    p99.9      max")
            for row in percentiles.rows {
                print(
                    "  "
                        + [
                            pad(row.label, 8), pad(String(row.count), 10), pad(String(row.p50), 8),
                            pad(String(row.p99), 8),
                            pad(String(row.p999), 8), pad(String(row.max), 8),
                        ].joined(separator: " "))
            }
        }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an op stream, byte for byte as the shared gen_ops tool does.",
        discussion: """
            ats-bench generate mixed OUT N TARGET_RESTING BAND [SEED]   (mixed_1k: 5000000 1000 100)
            ats-bench generate pt OUT N [SEED]                          (pt_3m: 3000000)
            """
    )

    enum Shape: String, ExpressibleByArgument { case mixed, pt }

    @Argument(help: "mixed or pt.") var shape: Shape
    @Argument(help: "The file to write.") var output: String
    @Argument(help: "mixed: N TARGET_RESTING BAND [SEED]; pt: N [SEED].") var parameters: [UInt64]

    func validate() throws {
        switch shape {
        case .mixed:
            guard (3...4).contains(parameters.count) else {
                throw ValidationError("mixed takes N TARGET_RESTING BAND [SEED]")
            }
            guard parameters[1] > 0 else { throw ValidationError("TARGET_RESTING must be positive") }
        case .pt:
            guard (1...2).contains(parameters.count) else { throw ValidationError("pt takes N [SEED]") }
            guard parameters.count == 1 || parameters[1] <= UInt64(UInt32.max) else {
                throw ValidationError("SEED must fit 32 bits")
            }
        }
    }

    func run() throws {
        let stream: OpStream
        switch shape {
        case .mixed:
            stream = OpStreamGenerator.mixed(
                count: parameters[0], targetResting: parameters[1], band: parameters[2],
                seed: parameters.count > 3 ? parameters[3] : 42)
        case .pt:
            stream = OpStreamGenerator.priceTime(
                count: parameters[0], seed: parameters.count > 1 ? UInt32(parameters[1]) : 3)
        }
        do {
            try stream.write(toFile: output)
        } catch {
            throw BenchFailure(error.message)
        }
        let h = stream.header
        print(
            "\(output): \(h.count) ops (prefill \(h.prefill)); expected trades=\(h.expectedTrades) volume=\(h.expectedVolume) notional=\(h.expectedNotional) resting=\(h.expectedResting)"
        )
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func format(_ value: Double) -> String {
    let scaled = (value * 10).rounded() / 10
    return String(scaled)
}

func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

struct PlanBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Time the exact planner on seeded consolidated books (8 venues × 20 levels).",
        discussion: "Each problem is planned once per round; prints p50, p99 and max per plan in microseconds."
    )

    @Option(help: "Venue terms: mixed (lots 0.5/1/5/25, fixed fees, minimums) or uniform (lot 1).")
    var profile: String = "mixed"
    @Option(help: "Distinct problems.") var problems = 2_000
    @Option(help: "Rounds over the problems.") var rounds = 5
    @Option(help: "Venues per snapshot.") var venues = 8
    @Option(help: "Levels per side.") var levels = 20
    @Option(help: "Seed.") var seed: UInt64 = 42

    func run() throws {
        guard let profile = PlanBenchmark.Profile(rawValue: profile) else {
            throw ValidationError(
                "--profile must be one of \(PlanBenchmark.Profile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard problems >= 1, rounds >= 1, venues >= 1, levels >= 1 else {
            throw ValidationError("--problems, --rounds, --venues and --levels must be at least 1")
        }
        let cases = try PlanBenchmark.makeProblems(
            profile: profile, count: problems, venues: venues, levels: levels, seed: seed)
        _ = try PlanBenchmark.run(Array(cases.prefix(100)), rounds: 1)  // warm up
        let timings = try PlanBenchmark.run(cases, rounds: rounds).sorted()
        func percentile(_ p: Double) -> String {
            let index = min(timings.count - 1, Int(Double(timings.count) * p))
            return format(Double(timings[index]) / 1_000)
        }
        print("plan \(profile.rawValue): \(venues) venues × \(levels) levels, \(problems) problems × \(rounds) rounds")
        print(
            "  p50 \(percentile(0.5)) µs   p99 \(percentile(0.99)) µs   max \(format(Double(timings.last!) / 1_000)) µs"
        )
    }
}
