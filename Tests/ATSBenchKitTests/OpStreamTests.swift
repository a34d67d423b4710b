import Foundation
import Testing

@testable import ATSBenchKit

@Suite("Op streams: format, generator, replay")
struct OpStreamTests {
    private func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    @Test("the mixed generator writes the shared generator's bytes exactly")
    func mixedMatchesSharedGenerator() throws {
        let expected = try fixture("mixed-3000-100-20-seed7.ops")
        let generated = OpStreamGenerator.mixed(count: 3000, targetResting: 100, band: 20, seed: 7).serialized()
        #expect(generated.count == expected.count)
        #expect(generated == expected)
    }

    @Test("the pt generator (glibc rand, seed 3) writes the shared generator's bytes exactly")
    func priceTimeMatchesSharedGenerator() throws {
        let expected = try fixture("pt-2000-seed3.ops")
        #expect(OpStreamGenerator.priceTime(count: 2000).serialized() == expected)
    }

    @Test("glibc rand() after srand(1) starts 1804289383, 846930886, 1681692777")
    func glibcSequence() {
        var random = GlibcRandom(seed: 1)
        #expect([random.next(), random.next(), random.next()] == [1_804_289_383, 846_930_886, 1_681_692_777])
    }

    @Test("parsing and serialising round-trip")
    func roundTrip() throws {
        let bytes = try fixture("mixed-3000-100-20-seed7.ops")
        let stream = try OpStream(bytes: bytes)
        #expect(stream.header.count == 3100)
        #expect(stream.header.prefill == 100)
        #expect(stream.serialized() == bytes)
    }

    @Test("malformed streams are refused with the reason")
    func malformed() throws {
        let bytes = try fixture("pt-2000-seed3.ops")
        #expect(throws: OpStreamError.self) { try OpStream(bytes: Array(bytes.prefix(40))) }
        #expect(throws: OpStreamError.self) { try OpStream(bytes: Array(bytes.dropLast(3))) }
        var badMagic = bytes
        badMagic[0] = UInt8(ascii: "X")
        #expect(throws: OpStreamError.self) { try OpStream(bytes: badMagic) }
        var badKind = bytes
        badKind[64] = 9
        do {
            _ = try OpStream(bytes: badKind, source: "bad.ops")
            Issue.record("an unknown kind was accepted")
        } catch {
            #expect(error.message.contains("record 0"))
            #expect(error.message.contains("bad.ops"))
        }
        #expect(throws: OpStreamError.self) { try OpStream(contentsOfFile: "/nonexistent/file.ops") }
    }

    @Test("replaying the fixtures reproduces the reference book's trades, volume, notional and resting orders")
    func replayFixtures() throws {
        for name in ["mixed-3000-100-20-seed7.ops", "pt-2000-seed3.ops"] {
            var replayer = Replayer(stream: try OpStream(bytes: try fixture(name)))
            replayer.prefill()
            replayer.applyRest()
            #expect(replayer.mismatches.isEmpty, "\(name): \(replayer.mismatches)")
            #expect(replayer.totals.trades > 0)
        }
    }

    @Test(
        "the engine agrees with the independent reference book on many generated streams",
        arguments: [(UInt64(1), UInt64(50), UInt64(5)), (2, 200, 50), (3, 1000, 100), (4, 30, 2), (5, 500, 10)])
    func replayGenerated(seed: UInt64, target: UInt64, band: UInt64) {
        let stream = OpStreamGenerator.mixed(count: 20_000, targetResting: target, band: band, seed: seed)
        let run = ReplayBenchmark.run(stream)
        #expect(run.mismatches.isEmpty, "\(run.mismatches)")
        #expect(run.totals.trades > 100)
        #expect(run.measuredOps == 20_000)
    }

    @Test("a replay that disagrees with the header is reported")
    func mismatchDetected() throws {
        var stream = try OpStream(bytes: try fixture("mixed-3000-100-20-seed7.ops"))
        stream.header.expectedVolume += 1
        stream.header.expectedResting += 1
        let run = ReplayBenchmark.run(stream)
        #expect(run.mismatches.count == 2)
    }

    @Test("the latency replay reports percentiles per kind and still validates")
    func latency() throws {
        let stream = try OpStream(bytes: try fixture("mixed-3000-100-20-seed7.ops"))
        let (run, latency) = ReplayBenchmark.latency(stream)
        #expect(run.mismatches.isEmpty)
        #expect(latency.rows.map(\.label) == ["GTC add", "IOC add", "cancel", "all"])
        #expect(latency.rows.last?.count == 3000)
        for row in latency.rows { #expect(row.p50 <= row.p99 && row.p99 <= row.p999 && row.p999 <= row.max) }
    }
}
