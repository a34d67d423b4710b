import ATSDomain
import ATSOrders
import ATSRouter
import ATSSettlement
import ATSWire
import Foundation
import Synchronization

/// One authenticated connection to `GET /v1/stream`: it sends the account's order events in
/// stream order (from `resume` on, read from the journal, then live as they are published,
/// each exactly once), the books it subscribed to when they change, venue health and the
/// account's settlements when they change, and a heartbeat. What it sends goes through `send`;
/// everything it hears comes in through ``Input``, one at a time.
struct StreamSession {
    enum Input: Sendable {
        case request(APIViews.StreamRequest)
        case malformed(String)
        case event(OrderEvent)
        case tick
    }

    /// Ends a session: why, as the `error` message sent before the close.
    struct Closing: Error {
        var code: String
        var message: String
    }

    struct Subscription: Hashable {
        var side: Side
        var depth: Int
    }

    let runtime: any RouterService
    let account: AccountID
    let settings: StreamSettings
    let send: @Sendable (APIViews.StreamMessage) async throws -> Void
    /// The last order event sent.
    private(set) var last: Int
    private var books: [Symbol: Subscription] = [:]
    private var sentBooks: [Symbol: APIViews.BookView] = [:]
    private var venues: [String: APIViews.VenueView] = [:]
    private var settlements: [Int64: APIViews.SettlementView]?
    private var lastPoll = ContinuousClock.now
    private var lastHeartbeat = ContinuousClock.now

    init(
        runtime: any RouterService, account: AccountID, settings: StreamSettings, resume: Int,
        send: @escaping @Sendable (APIViews.StreamMessage) async throws -> Void
    ) {
        self.runtime = runtime
        self.account = account
        self.settings = settings
        self.last = resume
        self.send = send
    }

    /// The welcome, every venue's health, and the order events after `resume`.
    mutating func start(latest: Int) async throws {
        var welcome = APIViews.StreamMessage(type: "welcome")
        welcome.account = account.rawValue
        welcome.instance = runtime.leases?.instance
        welcome.sequence = last
        welcome.latest = latest
        welcome.heartbeatSeconds = Int(settings.heartbeat.components.seconds)
        try await send(welcome)
        try await pollVenues()
        try await catchUp()
        settlements = settlementViews()
    }

    mutating func handle(_ input: Input) async throws {
        switch input {
        case .request(let request): try await take(request)
        case .malformed(let message): try await sendError("malformed_message", message, field: nil)
        case .event(let event): try await deliver(event)
        case .tick: try await tick()
        }
    }

    // MARK: Order events

    /// A live event of this account (the forwarder passes no other): sent if it is the next one; one further on first brings what came between
    /// from the journal; one already sent (read from the journal first) is skipped.
    private mutating func deliver(_ event: OrderEvent) async throws {
        guard event.streamSequence > last else { return }
        if event.streamSequence > last + 1 { try await catchUp() }
        guard event.streamSequence == last + 1 else { return }
        try await sendOrder(event.record, state: await state(of: event.order))
    }

    /// Every event the journal (or memory) has after ``last``, page by page.
    private mutating func catchUp() async throws {
        while true {
            let page: [StreamRecord]
            do {
                page = try await runtime.router.orders.streamRecords(of: account, after: last, limit: 500)
            } catch let old as StreamTooOld {
                throw Closing(code: "resume_too_old", message: "\(old)")
            } catch {
                throw Closing(code: "journal_unavailable", message: "the journal could not be read: \(error)")
            }
            guard !page.isEmpty else { return }
            // Each order's state read once per page (a replay of many events of one order).
            var states: [OrderID: APIViews.OrderView?] = [:]
            for record in page {
                if states[record.order] == nil { states[record.order] = await state(of: record.order) }
                try await sendOrder(record, state: states[record.order] ?? nil)
            }
        }
    }

    private func state(of order: OrderID) async -> APIViews.OrderView? {
        await runtime.router.orders.parent(order).map { APIViews.order($0, detail: true) }
    }

    private mutating func sendOrder(_ record: StreamRecord, state: APIViews.OrderView?) async throws {
        var message = APIViews.StreamMessage(type: "order")
        message.sequence = record.sequence
        message.order = record.order.description
        message.orderSequence = record.orderSequence
        message.at = record.at.description
        message.detail = try? JSONDecoder().decode(APIViews.StreamEventDetail.self, from: Data(record.payload.utf8))
        message.event = message.detail?.event
        message.state = state
        try await send(message)
        last = record.sequence
    }

    // MARK: Requests

    private mutating func take(_ request: APIViews.StreamRequest) async throws {
        if request.auth != nil {
            return try await sendError("already_authenticated", "this connection is authenticated", field: "auth")
        }
        var side = Side.buy
        if let text = request.side {
            guard let value = Side(caseInsensitive: text) else {
                return try await sendError("invalid_field", "side must be buy or sell", field: "side")
            }
            side = value
        }
        let depth = request.depth ?? 10
        guard (1...100).contains(depth) else {
            return try await sendError("invalid_field", "depth must be from 1 to 100", field: "depth")
        }
        for text in request.unsubscribe ?? [] {
            guard let symbol = try? Symbol(text.uppercased()) else { continue }
            books[symbol] = nil
            sentBooks[symbol] = nil
        }
        for text in request.subscribe ?? [] {
            guard let symbol = try? Symbol(text.uppercased()), runtime.configuration.security(symbol) != nil else {
                try await sendError("unknown_symbol", "no security \(text.prefix(32))", field: "subscribe")
                continue
            }
            books[symbol] = Subscription(side: side, depth: depth)
            sentBooks[symbol] = nil
        }
        try await pollBooks()
    }

    private func sendError(_ code: String, _ text: String, field: String?) async throws {
        var message = APIViews.StreamMessage(type: "error")
        message.code = code
        message.message = text
        message.field = field
        try await send(message)
    }

    // MARK: Ticks

    private mutating func tick() async throws {
        try await pollBooks()
        let now = ContinuousClock.now
        if now - lastPoll >= settings.pollInterval {
            lastPoll = now
            try await pollVenues()
            try await pollSettlements()
            try await catchUp()
        }
        if now - lastHeartbeat >= settings.heartbeat {
            lastHeartbeat = now
            var heartbeat = APIViews.StreamMessage(type: "heartbeat")
            heartbeat.sequence = last
            heartbeat.at = runtime.clock.now().description
            try await send(heartbeat)
        }
    }

    /// Each subscribed book, sent when its levels or its venues' standing changed.
    private mutating func pollBooks() async throws {
        for (symbol, subscription) in books.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let book = await runtime.router.context.consolidatedBook(symbol, account: account, side: subscription.side)
            let view = APIViews.book(book, side: subscription.side, depth: subscription.depth)
            if let sent = sentBooks[symbol], Self.sameContent(sent, view) { continue }
            sentBooks[symbol] = view
            var message = APIViews.StreamMessage(type: "book")
            message.book = view
            try await send(message)
        }
    }

    /// Two views of a book alike but for when they were read.
    static func sameContent(_ a: APIViews.BookView, _ b: APIViews.BookView) -> Bool {
        func timeless(_ view: APIViews.BookView) -> APIViews.BookView {
            var view = view
            view.asOf = ""
            view.venues = view.venues.map {
                var venue = $0
                venue.ageMilliseconds = nil
                return venue
            }
            return view
        }
        return timeless(a) == timeless(b)
    }

    private mutating func pollVenues() async throws {
        for view in await runtime.venueViews() {
            if let sent = venues[view.id], sent.healthy == view.healthy, sent.breaker == view.breaker { continue }
            venues[view.id] = view
            var message = APIViews.StreamMessage(type: "venue")
            message.venue = view
            try await send(message)
        }
    }

    private mutating func pollSettlements() async throws {
        guard let known = settlements, let now = settlementViews() else { return }
        for (id, view) in now.sorted(by: { $0.key < $1.key }) where known[id] != view {
            var message = APIViews.StreamMessage(type: "settlement")
            message.settlement = view
            try await send(message)
        }
        settlements = now
    }

    /// The account's most recent settlements as the API shows them (nil: the journal could not be read).
    private func settlementViews() -> [Int64: APIViews.SettlementView]? {
        guard
            let selection = try? runtime.router.settlement.settlements(
                SettlementBook.Query(account: account, limit: 200))
        else { return nil }
        return Dictionary(selection.settlements.map { ($0.id, APIViews.settlement($0)) }) { first, _ in first }
    }
}
