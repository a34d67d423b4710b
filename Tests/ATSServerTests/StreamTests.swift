import ATSAssembly
import ATSDomain
import ATSJournalTestSupport
import ATSServer
import ATSWire
import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization
import Testing

/// A `GET /v1/stream` client on a real socket: what it received, in order; what it sends; its close.
final class StreamClient: Sendable {
    private struct State {
        var messages: [APIViews.StreamMessage] = []
        var close: WebSocketCloseFrame?
        var ended = false
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    /// Connects to `server` (`http://host:port`) with `key` in the header (nil: none), from `resume`.
    init(_ server: String, key: String?, resume: Int? = nil, query: String? = nil) {
        let (sends, outgoing) = AsyncStream<String>.makeStream()
        self.outgoing = outgoing
        var configuration = WebSocketClientConfiguration()
        if let key { configuration.additionalHeaders[.authorization] = "Bearer \(key)" }
        let url =
            server.replacingOccurrences(of: "http://", with: "ws://") + "/v1/stream"
            + (query ?? resume.map { "?resume=\($0)" } ?? "")
        let shared = shared
        task = Task {
            let close = try? await WebSocketClient.connect(
                url: url, configuration: configuration, logger: Logger(label: "stream-test")
            ) { inbound, outbound, _ in
                // Sends until the test closes, then closes: the server's close ends the reading.
                let writing = Task {
                    for await text in sends { try await outbound.write(.text(text)) }
                    try await outbound.close(.normalClosure, reason: nil)
                }
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    guard case .text(let text) = message,
                        let decoded = try? JSONDecoder().decode(APIViews.StreamMessage.self, from: Data(text.utf8))
                    else { continue }
                    shared.state.withLock { $0.messages.append(decoded) }
                }
                writing.cancel()
            }
            shared.state.withLock {
                $0.close = close ?? nil
                $0.ended = true
            }
        }
    }

    var messages: [APIViews.StreamMessage] { shared.state.withLock { $0.messages } }
    var closeFrame: WebSocketCloseFrame? { shared.state.withLock { $0.close } }
    var ended: Bool { shared.state.withLock { $0.ended } }
    /// The order events received, in order.
    var orderEvents: [APIViews.StreamMessage] { messages.filter { $0.type == "order" } }

    func send(_ request: APIViews.StreamRequest) {
        outgoing.yield(String(decoding: try! JSONEncoder().encode(request), as: UTF8.self))
    }

    func sendText(_ text: String) { outgoing.yield(text) }

    /// The messages once `done` holds of them (or the connection ended), waiting at most `timeout`.
    @discardableResult
    func wait(
        timeout: Duration = .seconds(30), _ what: String = "", mustHappen: Bool = true,
        _ done: ([APIViews.StreamMessage]) -> Bool
    ) async throws -> [APIViews.StreamMessage] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (messages, ended) = shared.state.withLock { ($0.messages, $0.ended) }
            if done(messages) || ended { return messages }
            try await Task.sleep(for: .milliseconds(10))
        }
        if mustHappen { Issue.record("timed out waiting for \(what): \(messages.map(\.type))") }
        return messages
    }

    /// Closes from this side and waits for the connection to end.
    func close() async {
        outgoing.finish()
        await task.value
    }
}

/// `GET /v1/stream` on a real socket: live order events in order and once, resume without loss
/// across dropped connections (on the journal and without one), books, venues, bad input.
@Suite(.serialized) struct StreamTests {
    static let alice = "ak-alice-7f3c9e21b8d44a10"

    static func serving(
        journal: Bool = true, settings: StreamSettings = StreamSettings(),
        _ body: (String, RouterRuntime) async throws -> Void
    ) async throws {
        let catalog = try Repository.catalog()
        var options = RouterRuntime.Options(
            dataDirectory: journal ? NSTemporaryDirectory() + "ats-stream-test-" + UUID().uuidString : nil)
        options.stepInterval = nil
        options.streamSettings = settings
        let configuration = try Repository.tolerantConfiguration(catalog)
        let runtime = try await RouterRuntime.start(catalog: catalog, configuration: configuration, options: options)
        try await runtime.serving { url in try await body(url, runtime) }
    }

    static func submit(_ url: String, _ body: String, key: String = alice) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url + "/v1/orders?wait=10")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 22)
        return (try JSONSerialization.jsonObject(with: Data(buffer: data)) as? [String: Any]) ?? [:]
    }

    static func buy(_ quantity: Int, tif: String = "IOC", limit: String = "10.50") -> String {
        #"{"symbol":"ACME","side":"buy","quantity":"\#(quantity)","limitPrice":"\#(limit)","timeInForce":"\#(tif)"}"#
    }

    @Test func anOrdersEventsArriveLiveInOrderWithItsFillsAndItsState() async throws {
        try await Self.serving { url, runtime in
            await runtime.router.pollAll()
            let client = StreamClient(url, key: Self.alice)
            let welcome = try #require(try await client.wait("welcome") { !$0.isEmpty }.first)
            #expect(welcome.type == "welcome" && welcome.account == "alice" && welcome.latest == 0, "\(welcome)")
            #expect(welcome.heartbeatSeconds == 5)
            let order = try await Self.submit(url, Self.buy(300))
            let id = try #require(order["id"] as? String)
            let events = try await client.wait("the order's final event") {
                $0.contains { $0.order == id && $0.event == "final" }
            }.filter { $0.type == "order" }
            // The account's stream from 1 without a gap, the order's events from 1 without a gap.
            #expect(events.compactMap(\.sequence) == Array(1...events.count))
            #expect(events.compactMap(\.orderSequence) == Array(1...events.count))
            #expect(events.first?.event == "accepted" && events.dropFirst().first?.event == "decision")
            // Every fill the order has arrived as a fill event, with its venue, once.
            let fills = events.filter { $0.event == "fill" }.compactMap(\.detail?.fill)
            let children = (order["children"] as? [[String: Any]]) ?? []
            let expected = children.flatMap { child in
                ((child["fills"] as? [[String: Any]]) ?? []).map {
                    "\(child["venue"]!) \($0["id"]!) \($0["quantity"]!)"
                }
            }
            #expect(!expected.isEmpty)
            #expect(fills.map { "\($0.venue) \($0.id) \($0.quantity)" }.sorted() == expected.sorted())
            let last = try #require(events.last)
            #expect(last.detail?.status == order["status"] as? String)
            #expect(last.state?.filledQuantity == order["filledQuantity"] as? String)
            // The journal holds exactly what was sent: replayed from 0 it is the same.
            let replay = StreamClient(url, key: Self.alice, resume: 0)
            let again = try await replay.wait("the replay") { $0.filter { $0.type == "order" }.count >= events.count }
                .filter { $0.type == "order" }
            #expect(again.map(\.sequence) == events.map(\.sequence))
            #expect(again.map(\.detail) == events.map(\.detail))
            #expect(again.map(\.at) == events.map(\.at))
            await replay.close()
            await client.close()
        }
    }

    /// A seeded client drops its connection after a random number of messages and resumes from
    /// the last sequence it saw, while orders are submitted concurrently: what it received, put
    /// together, is the account's stream exactly (every event once, in order), on the journal and
    /// (from memory) without one.
    @Test(arguments: [true, false]) func resumingAfterDroppedConnectionsLosesNothingAndRepeatsNothing(journal: Bool)
        async throws
    {
        try await Self.serving(journal: journal) { url, runtime in
            await runtime.router.pollAll()
            var random = SplitMix64(seed: journal ? 19 : 20)
            let finished = Flag()
            let submitting = Task {
                defer { finished.set() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            _ = try await Self.submit(url, Self.buy(5 + index % 7, tif: index % 3 == 0 ? "DAY" : "IOC"))
                        }
                        if index % 4 == 3 { try await group.next() }
                    }
                    try await group.waitForAll()
                }
            }
            var received: [APIViews.StreamMessage] = []
            var connections = 0
            while true {
                let last = received.last?.sequence ?? 0
                let client = StreamClient(url, key: Self.alice, resume: last)
                connections += 1
                let take = Int.random(in: 1...5, using: &random)
                // Once every order is in, the stream's end is known: no need to wait for more.
                let end = finished.isSet ? try await runtime.router.orders.streamPosition(of: AccountID("alice")) : nil
                try await client.wait(timeout: .seconds(3), mustHappen: false) {
                    let count = $0.count(where: { $0.type == "order" })
                    return count >= take || end.map { last + count >= $0 } == true
                }
                await client.close()
                let events = client.orderEvents
                #expect(
                    events.first.map { $0.sequence == last + 1 } ?? true,
                    "resumed after \(last): \(events.first.map { "\($0)" } ?? "")")
                received += events
                if events.isEmpty {
                    if finished.isSet, (try await runtime.router.orders.streamPosition(of: AccountID("alice"))) == last
                    {
                        break
                    }
                }
                if connections > 400 { break }
            }
            try await submitting.value
            let total = try await runtime.router.orders.streamPosition(of: AccountID("alice"))
            #expect(total > 40 * 4)
            #expect(received.compactMap(\.sequence) == Array(1...total), "\(connections) connections")
            // Each order's events: from 1 without a gap, ending final.
            for (order, events) in Dictionary(grouping: received, by: { $0.order ?? "" }) {
                #expect(events.compactMap(\.orderSequence) == Array(1...events.count), "order \(order)")
            }
            #expect(connections > 3)
        }
    }
}

extension StreamTests {
    static let officer = "ak-compliance-5e0d3b7a9c1f4826"

    /// The key in a first message (browsers), refused keys, bad resume points and bad messages:
    /// each named; a bad message leaves the connection open, a refused key closes it (1008).
    @Test func keysAndMessagesAreCheckedAndEachRefusalNamed() async throws {
        try await Self.serving { url, runtime in
            // The key in the first message.
            let browser = StreamClient(url, key: nil)
            browser.send(APIViews.StreamRequest(auth: Self.alice))
            let welcome = try await browser.wait("welcome") { $0.contains { $0.type == "welcome" } }
            #expect(welcome.first { $0.type == "welcome" }?.account == "alice")
            // A bad message is named and the connection lives on.
            browser.sendText("not json")
            browser.send(APIViews.StreamRequest(subscribe: ["NOPE"]))
            browser.send(APIViews.StreamRequest(subscribe: ["ACME"], depth: 0))
            browser.send(APIViews.StreamRequest(auth: Self.alice))
            browser.send(APIViews.StreamRequest(subscribe: ["acme"], side: "sell", depth: 3))
            let all = try await browser.wait("the book") { $0.contains { $0.type == "book" } }
            let errors = all.filter { $0.type == "error" }.map { "\($0.code ?? "") \($0.field ?? "")" }
            #expect(
                errors == [
                    "malformed_message ", "unknown_symbol subscribe", "invalid_field depth",
                    "already_authenticated auth",
                ], "\(all)")
            let book = try #require(all.first { $0.type == "book" }?.book)
            #expect(book.symbol == "ACME" && book.side == "sell" && book.bids.count <= 3)
            #expect(!browser.ended)
            await browser.close()
            // Refused: each closes with its reason named first.
            for (key, query, first, code) in [
                ("ak-nobody-0000", nil, nil, "unauthorized"), (Self.officer, nil, nil, "compliance_key"),
                (Self.alice, "?resume=-1", nil, "invalid_resume"), (Self.alice, "?resume=x", nil, "invalid_resume"),
                (nil, nil, APIViews.StreamRequest(subscribe: ["ACME"]), "unauthorized"),
            ] as [(String?, String?, APIViews.StreamRequest?, String)] {
                let client = StreamClient(url, key: key, query: query)
                if let first { client.send(first) }
                let messages = try await client.wait("the close") { _ in false }
                #expect(messages.map(\.type) == ["error"] && messages.first?.code == code, "\(code): \(messages)")
                #expect(client.closeFrame?.closeCode == .policyViolation, "\(code)")
            }
            // A plain GET learns it is a WebSocket.
            var request = HTTPClientRequest(url: url + "/v1/stream")
            request.headers.add(name: "Authorization", value: "Bearer \(Self.alice)")
            let plain = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(plain.status.code == 426)
            _ = runtime
        }
    }

    /// A subscribed book is sent at once and again when a trade changes it; every venue's health
    /// is sent on connecting; a fill's settlement is sent as it moves.
    @Test func booksVenuesAndSettlementsAreSentAsTheyChange() async throws {
        let settings = StreamSettings(heartbeat: .milliseconds(300), pollInterval: .milliseconds(100))
        try await Self.serving(settings: settings) { url, runtime in
            await runtime.router.pollAll()
            let client = StreamClient(url, key: Self.alice)
            client.send(APIViews.StreamRequest(subscribe: ["ACME"]))
            let first = try await client.wait("the book") { $0.contains { $0.type == "book" } }
            #expect(first.filter { $0.type == "venue" }.count == runtime.catalog.venues.count)
            let before = try #require(first.first { $0.type == "book" }?.book)
            let order = try await Self.submit(url, Self.buy(300))
            let id = try #require(order["id"] as? String)
            let after = try await client.wait("the book after the trade, the settlement, a heartbeat") { messages in
                messages.filter { $0.type == "book" }.count >= 2 && messages.contains { $0.type == "heartbeat" }
                    && messages.contains { $0.settlement?.orderId == id }
            }
            let books = after.compactMap(\.book)
            #expect(books.count >= 2 && books.last?.asks != before.asks, "the asks the order took are gone")
            #expect(after.last { $0.type == "heartbeat" }?.sequence ?? 0 > 0)
            await client.close()
        }
    }

    /// A connection that falls further behind than its buffer is closed (`slow_consumer`, 1008)
    /// and routing carries on; resuming from the last sequence it saw loses nothing.
    @Test func aClientThatFallsBehindIsClosedAndResumesWithoutLoss() async throws {
        // One event of room.
        try await Self.serving(settings: StreamSettings(buffer: 1)) { url, runtime in
            await runtime.router.pollAll()
            let client = StreamClient(url, key: Self.alice)
            try await client.wait("welcome") { $0.contains { $0.type == "welcome" } }
            // Orders at once: their events come faster than one a message can be sent.
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        (try await Self.submit(url, Self.buy(500, limit: "12.00")))["status"] as? String ?? ""
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == ["filled", "filled", "filled", "filled"], "routing carried on")
            let messages = try await client.wait("the close") { _ in false }
            #expect(messages.last?.code == "slow_consumer", "\(messages.map(\.type))")
            #expect(client.closeFrame?.closeCode == .policyViolation)
            let seen = client.orderEvents.last?.sequence ?? 0
            let total = try await runtime.router.orders.streamPosition(of: AccountID("alice"))
            let resumed = StreamClient(url, key: Self.alice, resume: seen)
            let rest = try await resumed.wait("the rest") { $0.count(where: { $0.type == "order" }) >= total - seen }
            #expect(
                (client.orderEvents + rest.filter { $0.type == "order" }).compactMap(\.sequence) == Array(1...total))
            await resumed.close()
        }
    }
}

/// Set once, read from anywhere.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
