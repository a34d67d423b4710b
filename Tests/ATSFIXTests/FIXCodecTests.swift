import ATSDomain
import Foundation
import Testing

@testable import ATSFIX

@Suite struct FIXCodecTests {
    @Test func aHeartbeatIsFramedAsComputedByHand() {
        let message = FIXMessage(fields: [
            FIXField(35, "0"), FIXField(49, "ATS"), FIXField(56, "CLIENT"), FIXField(34, "2"),
            FIXField(52, "20261204-06:00:00.000"),
        ])
        // 52 body bytes; the sum of every byte before 10= is 98 modulo 256 (worked out apart).
        let expected =
            "8=FIX.4.4\u{01}9=52\u{01}35=0\u{01}49=ATS\u{01}56=CLIENT\u{01}34=2\u{01}52=20261204-06:00:00.000\u{01}10=098\u{01}"
        #expect(String(decoding: FIXCodec.encode(message), as: UTF8.self) == expected)
    }

    /// Seeded messages, encoded, cut into random chunks: the framer gives back each one exactly,
    /// and each frame's BodyLength and CheckSum agree with a count made apart.
    @Test func framesRoundTripWhateverTheChunks() throws {
        var rng = SplitMix64(seed: 20_261_204)
        for _ in 0..<2_000 {
            var messages: [FIXMessage] = []
            var stream: [UInt8] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                var fields = [FIXField(35, ["D", "8", "0", "AB"].randomElement(using: &rng)!)]
                for _ in 0..<Int.random(in: 0...12, using: &rng) {
                    var tag = Int.random(in: 1...25_000, using: &rng)
                    while [8, 9, 10].contains(tag) { tag += 11 }
                    let length = Int.random(in: 1...20, using: &rng)
                    let value = String(
                        (0..<length).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng))) })
                    fields.append(FIXField(tag, value))
                }
                let message = FIXMessage(fields: fields)
                let bytes = FIXCodec.encode(message)
                let text = String(decoding: bytes, as: UTF8.self)
                let bodyStart = text.range(of: "\u{01}", range: text.range(of: "9=")!.upperBound..<text.endIndex)!
                    .upperBound
                let trailer = text.range(of: "\u{01}10=", options: .backwards)!
                #expect(
                    text.utf8.distance(
                        from: bodyStart.samePosition(in: text.utf8)!,
                        to: trailer.lowerBound.samePosition(in: text.utf8)!) + 1 == Int(
                            text.split(separator: "\u{01}")[1].dropFirst(2))!)
                let sum = bytes.prefix(bytes.count - 7).reduce(0) { ($0 + Int($1)) % 256 }
                #expect(text.hasSuffix(String(format: "10=%03d\u{01}", sum)))
                messages.append(message)
                stream += bytes
            }
            var framer = FIXFramer()
            var out: [FIXMessage] = []
            var index = 0
            while index < stream.count {
                let size = Int.random(in: 1...40, using: &rng)
                framer.append(stream[index..<min(stream.count, index + size)])
                index += size
                while let frame = framer.next() { out.append(try frame.get()) }
            }
            #expect(out == messages)
            #expect(framer.pending == 0)
        }
    }

    @Test func garbledFramesAreDroppedAndTheNextOneIsRead() throws {
        let good = FIXCodec.encode(FIXMessage("0", [FIXField(34, "7")]))
        var corrupted = good
        corrupted[corrupted.count - 2] =
            UInt8(ascii: "9") == corrupted[corrupted.count - 2] ? UInt8(ascii: "8") : UInt8(ascii: "9")
        var framer = FIXFramer()
        framer.append(Array("junk".utf8) + corrupted + good)
        var results: [Result<FIXMessage, FIXFrameError>] = []
        while let frame = framer.next() { results.append(frame) }
        #expect(results.count == 3)
        guard case .failure(.garbled(let junk)) = results[0] else {
            Issue.record("junk not garbled")
            return
        }
        #expect(junk.contains("4 bytes"))
        guard case .failure(.garbled(let checksum)) = results[1] else {
            Issue.record("bad checksum read")
            return
        }
        #expect(checksum.contains("CheckSum"))
        #expect(try results[2].get()[34] == "7")
    }

    @Test func aHugeBodyLengthIsGarbledNotAwaited() {
        var framer = FIXFramer()
        framer.append(Array("8=FIX.4.4\u{01}9=99999999\u{01}35=0\u{01}".utf8))
        guard case .failure(.garbled(let reason))? = framer.next() else {
            Issue.record("not garbled")
            return
        }
        #expect(reason.contains("BodyLength"))
    }

    @Test func unreadableFieldsNameTheSequenceNumber() {
        let body = "35=D\u{01}34=5\u{01}abc=1\u{01}"
        let head = "8=FIX.4.4\u{01}9=\(body.utf8.count)\u{01}"
        let sum = Array((head + body).utf8).reduce(0) { ($0 + Int($1)) % 256 }
        var framer = FIXFramer()
        framer.append(Array((head + body + String(format: "10=%03d\u{01}", sum)).utf8))
        guard case .failure(.unreadable(let sequence, let reason))? = framer.next() else {
            Issue.record("not unreadable")
            return
        }
        #expect(sequence == 5)
        #expect(reason.contains("abc=1"))
        #expect(throws: FIXFrameError.emptyValue(58)) { try FIXCodec.fields(Array("58=\u{01}".utf8)[...]) }
        #expect(throws: FIXFrameError.self) { try FIXCodec.fields(Array("058=x\u{01}".utf8)[...]) }
    }

    @Test func repeatingGroupsAreReadAndTheirCountChecked() throws {
        let message = FIXMessage(
            "D",
            [
                FIXField(11, "c1"), FIXField(20100, "2"), FIXField(20101, "tzero"), FIXField(20102, "I"),
                FIXField(20101, "archax"), FIXField(20102, "E"), FIXField(55, "ACME"),
            ])
        let entries = try message.group(20100, first: 20101, members: [20102])
        #expect(entries.map { $0.map(\.value) } == [["tzero", "I"], ["archax", "E"]])
        var wrong = message
        wrong.set(20100, "3")
        #expect(throws: FIXGroupError.self) { try wrong.group(20100, first: 20101, members: [20102]) }
        #expect(try FIXMessage("D").group(20100, first: 20101, members: []) == [])
    }

    @Test func timestampsRoundTripAndBadOnesAreRefused() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<5_000 {
            let millis = Int64.random(in: 0..<(4_102_444_800_000), using: &rng)
            let time = Timestamp(nanosecondsSinceEpoch: millis * 1_000_000)
            #expect(FIXTime.parse(FIXTime.format(time)) == time)
        }
        #expect(FIXTime.format(Timestamp(secondsSinceEpoch: 0)) == "19700101-00:00:00.000")
        #expect(FIXTime.parse("20261204-06:00:01") == Timestamp(secondsSinceEpoch: 1_796_364_001))
        #expect(FIXTime.parse("20261204-06:00:01.123456")?.nanosecondsSinceEpoch == 1_796_364_001_123_456_000)
        for bad in ["20260230-00:00:00", "2026-12-04T06:00:00", "20261204-24:00:00", "20261204-06:00:00.1", ""] {
            #expect(FIXTime.parse(bad) == nil, "\(bad)")
        }
    }
}

/// A small seeded generator (SplitMix64), so a failure repeats.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
