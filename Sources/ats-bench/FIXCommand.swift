import ATSAssembly
import ATSDomain
import ATSFIX
import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix

/// `ats-bench fix`: the time from a NewOrderSingle leaving a FIX client to its first execution
/// report arriving, and to its last, on loopback.
struct FIXBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Time from a NewOrderSingle to its first execution report on the FIX gateway (p50/p99, loopback).",
        discussion: """
            Starts the router, its journal and the venue mocks in this process (as `load` does), the FIX
            gateway on loopback, and logs on as alice's session (ALICE-OMS). It then sends IOC
            NewOrderSingles one after another (1 to 5 ACME, buy and sell in turn) and times, on the
            client, from writing each order to reading its first execution report (New: the order
            journalled, its event numbered, the report made, kept in the journal and written) and
            to its last (the order done at the venues).
            """)

    @Option(help: "Orders to send.") var orders = 500
    @Option(help: "Orders sent first and not measured.") var warmup = 50

    func run() async throws {
        guard orders >= 1, warmup >= 0 else { throw ValidationError("--orders must be at least 1") }
        let folder = NSTemporaryDirectory() + "ats-fix-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runtime = try await LoadBench.startInProcess(
            folder: folder, config: nil, venues: nil, databaseURL: nil, durability: "process")
        let server = try await runtime.startServing(fix: true)
        guard let port = server.fixPort else { throw ValidationError("the FIX gateway did not start") }
        print("fix: \(orders) IOC NewOrderSingles one at a time over loopback TCP, timed on the client")
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        var first = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var last = first
        try await connection.executeThenClose { inbound, outbound in
            var session = FIXBenchSession(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await session.send(
                "A", [FIXField(98, "0"), FIXField(108, "30"), FIXField(554, "ak-alice-7f3c9e21b8d44a10")])
            _ = try await session.until { $0.msgType == "A" }
            for index in 0..<(warmup + orders) {
                let id = "bench-\(index)"
                let started = ContinuousClock.now
                try await session.send(
                    "D",
                    [
                        FIXField(11, id), FIXField(55, "ACME"), FIXField(54, index % 2 == 0 ? "1" : "2"),
                        FIXField(38, String(1 + index % 5)), FIXField(40, "1"), FIXField(59, "3"),
                        FIXField(60, FIXTime.format(SystemClock().now())),
                    ])
                _ = try await session.until { $0.msgType == "8" && $0[11] == id }
                let reported = ContinuousClock.now
                _ = try await session.until {
                    $0.msgType == "8" && $0[11] == id && ["2", "4", "8", "C"].contains($0[39] ?? "")
                }
                let done = ContinuousClock.now
                guard index >= warmup else { continue }
                first.record(UInt64((reported - started).microseconds))
                last.record(UInt64((done - started).microseconds))
            }
            try await session.send("5")
        }
        func ms(_ histogram: Histogram<UInt64>, _ q: Double) -> String {
            String(format: "%.3f", Double(histogram.valueAtPercentile(q)) / 1_000)
        }
        print("  \(first.totalCount) orders timed")
        print(
            "  NewOrderSingle to first execution report: p50 \(ms(first, 50)) ms   p99 \(ms(first, 99)) ms   max \(ms(first, 100)) ms"
        )
        print(
            "  NewOrderSingle to last execution report:  p50 \(ms(last, 50)) ms   p99 \(ms(last, 99)) ms   max \(ms(last, 100)) ms"
        )
        await server.stop()
        await runtime.stop()
    }
}

/// The bench's side of the session: numbered messages out, frames in, in one task.
struct FIXBenchSession {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var framer = FIXFramer()
    var next = 1

    mutating func send(_ type: String, _ body: [FIXField] = []) async throws {
        let header = [
            FIXField(35, type), FIXField(49, "ALICE-OMS"), FIXField(56, "ATSROUTER"), FIXField(34, String(next)),
            FIXField(52, FIXTime.format(SystemClock().now())),
        ]
        next += 1
        try await outbound.write(ByteBuffer(bytes: FIXCodec.encode(FIXMessage(fields: header + body))))
    }

    /// Frames until one satisfies `stop` (test requests answered on the way).
    mutating func until(_ stop: (FIXMessage) -> Bool) async throws -> FIXMessage {
        while true {
            while let frame = framer.next() {
                let message = try frame.get()
                if message.msgType == "1", let id = message[112] { try await send("0", [FIXField(112, id)]) }
                if message.msgType == "5" { throw ValidationError("the gateway logged out: \(message)") }
                if stop(message) { return message }
            }
            guard let buffer = try await inbound.next() else {
                throw ValidationError("the gateway closed the connection")
            }
            framer.append(buffer.readableBytesView)
        }
    }
}

extension Duration {
    fileprivate var microseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000 + parts.attoseconds / 1_000_000_000_000
    }
}
