import ATSAssembly
import ATSDomain
import ATSVenueMocks
import ATSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Histogram
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// `ats-bench stream`: the time from a fill at a venue to its event on `GET /v1/stream`.
struct StreamBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Time from a fill at a venue to its fill event on the WebSocket stream (p50/p99, loopback).",
        discussion: """
            Starts the router, its journal and the venue mocks in this process (as `load` does), serves
            the API on loopback, and opens one stream for alice. It then sends IOC orders one after
            another (1 to 5 ACME, buy and sell in turn). For each child that filled, the time is from the
            venue's execution (the mock's record of its first fill, on the clock the router shares
            with the mocks) to the arrival of that child's first fill event at the stream client:
            the venue's reply, the router's journal commit, the publish and the WebSocket write.
            """)

    @Option(help: "Orders to send.") var orders = 500
    @Option(help: "Orders sent first and not measured.") var warmup = 50

    private final class Arrivals: Sendable {
        let times = Mutex<[String: Timestamp]>([:])
        let welcomed = Atomic<Bool>(false)
    }

    func run() async throws {
        guard orders >= 1, warmup >= 0 else { throw ValidationError("--orders must be at least 1") }
        let folder = NSTemporaryDirectory() + "ats-stream-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runtime = try await LoadBench.startInProcess(
            folder: folder, config: nil, venues: nil, databaseURL: nil, durability: "process")
        let server = try await runtime.startServing()
        let arrivals = Arrivals()
        let clock = runtime.clock
        var wsConfiguration = WebSocketClientConfiguration()
        wsConfiguration.additionalHeaders[.authorization] = "Bearer ak-alice-7f3c9e21b8d44a10"
        let url = server.url.replacingOccurrences(of: "http://", with: "ws://") + "/v1/stream"
        let reader = Task {
            try await WebSocketClient.connect(url: url, configuration: wsConfiguration, logger: Logger(label: "bench"))
            { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    let now = clock.now()
                    guard case .text(let text) = message,
                        let decoded = try? JSONDecoder().decode(APIViews.StreamMessage.self, from: Data(text.utf8))
                    else { continue }
                    if decoded.type == "welcome" { arrivals.welcomed.store(true, ordering: .releasing) }
                    guard decoded.event == "fill", let key = decoded.detail?.child?.clientKey else { continue }
                    arrivals.times.withLock { if $0[key] == nil { $0[key] = now } }
                }
            }
        }
        while !arrivals.welcomed.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        print("stream: \(orders) IOC orders one at a time, each child's first fill timed from the venue to the stream")
        for index in 0..<(warmup + orders) {
            if index == warmup { arrivals.times.withLock { $0 = [:] } }
            try await Self.submit(server.url, side: index % 2 == 0 ? "buy" : "sell", quantity: 1 + index % 5)
        }
        try await Task.sleep(for: .seconds(1))
        reader.cancel()
        var fills: [String: Timestamp] = [:]
        for engine in runtime.fleet?.engines.values.map({ $0 }) ?? [] {
            fills.merge(await engine.firstFillTimes()) { first, _ in first }
        }
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        for (key, arrived) in arrivals.times.withLock({ $0 }) {
            guard let filled = fills[key] else { continue }
            histogram.record(UInt64(max(0, arrived.nanosecondsSinceEpoch - filled.nanosecondsSinceEpoch) / 1_000))
        }
        func ms(_ q: Double) -> String { String(format: "%.3f", Double(histogram.valueAtPercentile(q)) / 1_000) }
        print("  \(histogram.totalCount) fills timed")
        print("  fill at venue to stream event: p50 \(ms(50)) ms   p99 \(ms(99)) ms   max \(ms(100)) ms")
        await server.stop()
        await runtime.stop()
    }

    static func submit(_ base: String, side: String, quantity: Int) async throws {
        var request = HTTPClientRequest(url: base + "/v1/orders?wait=30")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer ak-alice-7f3c9e21b8d44a10")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(
            ByteBuffer(string: #"{"symbol":"ACME","side":"\#(side)","quantity":"\#(quantity)","timeInForce":"IOC"}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 22)
    }
}
