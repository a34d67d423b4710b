import ATSAssembly
import ATSDomain
import ATSServer
import ATSVenues
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import Synchronization

/// `ats-bench load`: parent orders per second and submit-to-final latency against a router.
struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract:
            "Drive a router's API with parent orders; print orders/s and p50/p99 latency from submit to final state.",
        discussion: """
            Each worker sends its next order as soon as the last one is final: POST /v1/orders?wait=30
            answers when the order is done or rests, so the time of that exchange is submit to final state.
            Orders alternate buy and sell of 1 to 5 ACME for alice, IOC, so that the venues' books
            neither drain nor pile up. Without --server it starts the router, its journal (in a
            temporary folder) and the five venue mocks in this process, with the venues' published
            order rate limits lifted (the published limits, 5 to 20 orders a second, would measure pacing).
            """)

    @Option(help: "Parent orders to send.") var orders = 2_000
    @Option(help: "Orders in flight at once.") var concurrency = 16
    @Option(
        help:
            "A running router, or several sharing one journal (comma-separated: worker i sends to the i-th, wrapping round; default: start one in this process)."
    )
    var server: String?
    @Option(
        help:
            "API key, or several comma-separated (worker i uses the i-th, wrapping round; default: alice's from config.json)."
    )
    var apiKey = "ak-alice-7f3c9e21b8d44a10"
    @Option(help: "alternate (buy, sell, buy, …) or buy (every order a buy).") var side = "alternate"
    @Option(help: "The in-process router's journal on PostgreSQL at this URL (default: SQLite in a temporary folder).")
    var databaseUrl: String?
    @Option(help: "Orders sent first and not measured.") var warmup = 200
    @Option(help: "Venue definitions, for the in-process router (default: as ats-router finds them).")
    var venues: String?
    @Option(help: "config.json, for the in-process router (default: as ats-router finds it).") var config: String?
    @Option(help: "Journal durability for the in-process router: process or disk.") var durability = "process"
    @Option(
        help:
            "Soak: every this many orders, print resident memory, that stretch's p50/p99 and the time to read the first order (0: off)."
    )
    var rssEvery = 0
    @Option(
        help: "With --server and --rss-every: the server's process id, whose memory is sampled (default: this process)."
    )
    var serverPid: Int32?

    /// The router, its journal (in a temporary folder, or on PostgreSQL) and the venue mocks in
    /// this process, the venues' rate limits lifted, alice's ACME placed at every venue listing it.
    static func startInProcess(
        folder: String, config: String?, venues: String?, databaseURL: String?, durability: String
    ) async throws -> RouterRuntime {
        let loaded = try ConfigurationSources.resolve(config: config, venues: venues).load()
        let catalog = loaded.0
        var configuration = loaded.1
        // Settlement holds the load's sells to what alice has free where each venue settles and
        // moves what she buys to her wallet after a delay: a position large enough, placed at
        // every venue listing ACME (below), that sells route as freely as buys.
        if let index = configuration.accounts.firstIndex(where: { $0.id.rawValue == "alice" }) {
            configuration.accounts[index].holdings.append(
                Account.Holding(
                    symbol: try Symbol("ACME"), quantity: try Quantity("1000000"),
                    acquiredOn: CalendarDate("2020-01-02")!))
        }
        var options = RouterRuntime.Options(dataDirectory: folder)
        options.databaseURL = databaseURL
        options.unthrottledVenues = true
        options.durability = durability == "disk" ? .disk : .process
        let started = try await RouterRuntime.start(
            catalog: catalog, configuration: configuration, options: options)
        _ = try await started.recover()
        let alice = try AccountID("alice")
        let acme = try Symbol("ACME")
        for venue in catalog.venues(listing: acme) where venue.tokenLocation(acme) != .wallet(chain: "ethereum") {
            _ = try started.router.settlement.requestTransfer(
                account: alice, symbol: acme, quantity: try Quantity("300000"),
                from: .wallet(chain: "ethereum"), to: venue.tokenLocation(acme))
        }
        try started.router.settlement.advance(to: started.clock.now().adding(seconds: 3 * 3_600))
        return started
    }

    func run() async throws {
        guard orders >= 1, concurrency >= 1, warmup >= 0 else {
            throw ValidationError("--orders and --concurrency must be at least 1")
        }
        guard ["alternate", "buy"].contains(side) else { throw ValidationError("--side must be alternate or buy") }
        var runtime: RouterRuntime?
        var base = server ?? ""
        var folder: String?
        if server == nil {
            folder = NSTemporaryDirectory() + "ats-load-" + UUID().uuidString
            runtime = try await Self.startInProcess(
                folder: folder!, config: config, venues: venues, databaseURL: databaseUrl, durability: durability)
        }
        var running: RunningServer?
        if let runtime {
            running = try await runtime.startServing()
            base = running!.url

        }
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, concurrency)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        print(
            "load: \(orders) parent orders, \(concurrency) in flight, against \(server ?? "a router in this process (venue rate limits lifted)")"
        )
        if warmup > 0 { _ = try await drive(client, base: base, count: warmup, offset: 0) }
        let started = ContinuousClock.now
        var result = Result()
        if rssEvery > 0 {
            // The soak: the same load in stretches, memory and latency after each (docs/performance.md).
            let pid = server == nil ? getpid() : (serverPid ?? getpid())
            print("      orders    RSS MB   p50 ms   p99 ms   read order 1 ms")
            var done = 0
            while done < orders {
                let stretch = min(rssEvery, orders - done)
                let part = try await drive(client, base: base, count: stretch, offset: warmup + done)
                done += stretch
                result.histogram.add(part.histogram)
                for (key, value) in part.statuses { result.statuses[key, default: 0] += value }
                let read = try await readTime(client, base: base)
                print(
                    String(
                        format: "  %10d  %8.1f  %7.2f  %7.2f  %8.2f", done, Self.residentMegabytes(pid),
                        Double(part.histogram.valueAtPercentile(50)) / 1_000,
                        Double(part.histogram.valueAtPercentile(99)) / 1_000, read))
            }
        } else {
            result = try await drive(client, base: base, count: orders, offset: warmup)
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func ms(_ q: Double) -> String { String(format: "%.2f", Double(result.histogram.valueAtPercentile(q)) / 1_000) }
        print(String(format: "  %.0f parent orders/s over %.2f s", Double(orders) / seconds, seconds))
        print(
            "  submit to final state: p50 \(ms(50)) ms   p99 \(ms(99)) ms   p99.9 \(ms(99.9)) ms   max \(String(format: "%.2f", Double(result.histogram.max) / 1_000)) ms"
        )
        print(
            "  outcomes: "
                + result.statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        try await client.shutdown()
        await running?.stop()
        await runtime?.stop()
        if let folder { try? FileManager.default.removeItem(atPath: folder) }
        if result.statuses.keys.contains(where: { $0.hasPrefix("http") || $0 == "error" }) { throw ExitCode(1) }
    }

    /// A process's resident memory in MB (`VmRSS` in /proc), 0 where there is no /proc.
    static func residentMegabytes(_ pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return 0 }
        return kilobytes / 1_024
    }

    /// The median of five reads of the first order (GET /v1/orders/1), in milliseconds.
    func readTime(_ client: HTTPClient, base: String) async throws -> Double {
        var times: [Double] = []
        for _ in 0..<5 {
            let first = base.split(separator: ",").first.map(String.init) ?? base
            var request = HTTPClientRequest(url: first + "/v1/orders/1")
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey.split(separator: ",").first ?? "")")
            let start = ContinuousClock.now
            let response = try await client.execute(request, timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 1 << 24)
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        return times.sorted()[2]
    }

    struct Result {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var statuses: [String: Int] = [:]
    }

    /// Sends `count` orders with `concurrency` workers; latencies in microseconds.
    func drive(_ client: HTTPClient, base: String, count: Int, offset: Int) async throws -> Result {
        let next = Counter()
        let keys = apiKey.split(separator: ",").map(String.init)
        let servers = base.split(separator: ",").map(String.init)
        let buysOnly = side == "buy"
        return try await withThrowingTaskGroup(of: Result.self) { group in
            for worker in 0..<concurrency {
                let apiKey = keys[worker % keys.count]
                let base = servers[worker % servers.count]
                group.addTask {
                    var result = Result()
                    while true {
                        let n = next.value.add(1, ordering: .relaxed).oldValue
                        guard n < count else { break }
                        let index = n + offset
                        let side = buysOnly || index % 2 == 0 ? "buy" : "sell"
                        let body =
                            #"{"symbol":"ACME","side":"\#(side)","quantity":"\#(1 + index % 5)","timeInForce":"IOC"}"#
                        var request = HTTPClientRequest(url: base + "/v1/orders?wait=30")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: body))
                        let start = ContinuousClock.now
                        do {
                            let response = try await client.execute(request, timeout: .seconds(60))
                            let data = try await response.body.collect(upTo: 1 << 22)
                            let elapsed = ContinuousClock.now - start
                            let micros = UInt64(
                                max(
                                    0,
                                    elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds
                                        / 1_000_000_000_000))
                            result.histogram.record(micros)
                            if response.status == .created || response.status == .ok {
                                let json =
                                    (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView)))
                                    as? [String: Any]
                                result.statuses[json?["status"] as? String ?? "?", default: 0] += 1
                            } else {
                                result.statuses["http \(response.status.code)", default: 0] += 1
                            }
                        } catch {
                            result.statuses["error", default: 0] += 1
                        }
                    }
                    return result
                }
            }
            var total = Result()
            for try await partial in group {
                total.histogram.add(partial.histogram)
                for (key, value) in partial.statuses { total.statuses[key, default: 0] += value }
            }
            return total
        }
    }
}

final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
