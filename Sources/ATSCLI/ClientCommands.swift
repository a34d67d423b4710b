import ATSWire
import ArgumentParser
import Foundation
import NIOHTTP1

/// `ats-router submit SYMBOL SIDE QUANTITY [--limit P] ...`: sends a parent order and shows it
/// working (decisions, children, fills, re-routes) until it is done or rests.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit an order to a running router and follow it until it is done or rests.",
        discussion:
            "Exit codes: 0 accepted (whatever it filled), 1 refused (the rule is named), 3 the router is unreachable.")

    @Argument(help: "The security, e.g. ACME.") var symbol: String
    @Argument(help: "buy or sell.") var side: SideChoice
    @Argument(help: "The quantity, a decimal such as 300 or 12.5.") var quantity: String
    @Option(name: .customLong("limit"), help: "Limit price (none: take what is there, IOC/FOK only).") var limitPrice:
        String?
    @Option(name: .customLong("tif"), help: "Time in force.") var timeInForce: TimeInForceChoice = .ioc
    @Option(help: "How the order is split across venues.") var strategy: StrategyChoice = .cost
    @Option(help: "Only these venues (comma-separated).") var include: String?
    @Option(help: "Never these venues (comma-separated).") var exclude: String?
    @Option(help: "Your id for the order: submitting it again returns the same order.") var clientOrderId: String?
    @Flag(
        help:
            "A DAY or GTC order whose tokens (sale) or cash (buy) are not where a venue settles: move or convert them first (pending_transfer) instead of being refused."
    ) var allowTransfers = false
    @Flag(help: "Return once accepted, without following.") var noFollow = false
    @Flag(help: "Print the final order as JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try server.client()
        try await runClient {
            let body = APIViews.OrderRequestBody(
                symbol: symbol, side: side.rawValue, quantity: quantity, limitPrice: limitPrice,
                timeInForce: timeInForce.rawValue, strategy: strategy.rawValue, includeVenues: include.map(Self.list),
                excludeVenues: exclude.map(Self.list),
                clientOrderId: clientOrderId, allowTransfers: allowTransfers ? true : nil)
            // Opened first, so that nothing the order does is missed; without it, the order is polled.
            let stream = noFollow ? nil : OrderStream(client)
            let live = await stream?.ready(within: .seconds(3)) ?? false
            var order = try await client.call(.POST, "/v1/orders", body: body, as: APIViews.OrderView.self)
            if !json {
                print(
                    "order \(order.id) accepted: \(order.side) \(order.quantity) \(order.symbol) \(order.timeInForce)")
            }
            var shown = OrderProgress()
            if !json { shown.show(order) }
            let deadline = ContinuousClock.now + .seconds(60)
            if let stream, live, order.status == "working" {
                order = await Self.follow(order, on: stream, until: deadline) { if !json { shown.show($0) } }
            }
            await stream?.close()
            while !noFollow && order.status == "working" && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                order = try await client.call(.GET, "/v1/orders/\(order.id)?wait=1", as: APIViews.OrderView.self)
                if !json { shown.show(order) }
            }
            if json {
                printEncoded(order)
            } else {
                print(OrderText.summary(order))
            }
            if order.status == "rejected" { throw ExitCode(1) }
        }
    }

    /// The order as the stream shows it, each state shown, until it is no longer working (or the
    /// deadline, or the stream ends: the caller then polls).
    static func follow(
        _ order: APIViews.OrderView, on stream: OrderStream, until deadline: ContinuousClock.Instant,
        show: (APIViews.OrderView) -> Void
    ) async -> APIViews.OrderView {
        var order = order
        let timer = Task {
            try? await Task.sleep(until: deadline)
            await stream.close()
        }
        defer { timer.cancel() }
        for await state in stream.states where state.id == order.id {
            order = state
            show(state)
            if state.status != "working" { break }
        }
        return order
    }

    /// `a,b` → `["a", "b"]`.
    static func list(_ text: String) -> [String] { text.split(separator: ",").map { String($0) } }
}

/// What `submit` has printed so far, so that each poll prints only what is new.
struct OrderProgress {
    var decisions = 0
    var children: [String: String] = [:]
    var fills: Set<String> = []

    mutating func show(_ order: APIViews.OrderView) {
        let decisionList = order.decisions ?? []
        for decision in decisionList.dropFirst(decisions) {
            let split = decision.allocations.map { "\($0.venue) \($0.quantity)" }
            print(
                "  \(decision.attempt == 0 ? "plan" : "re-route \(decision.attempt)"): \(split.isEmpty ? "nothing eligible" : split.joined(separator: ", "))"
            )
        }
        decisions = decisionList.count
        for child in order.children ?? [] {
            if children[child.clientKey] != child.status {
                children[child.clientKey] = child.status
                let why = child.refusal?.code ?? child.failure
                print(
                    "  child \(child.venue) \(child.quantity) @ \(child.limitPrice) \(child.timeInForce): \(child.status)\(why.map { " (\($0))" } ?? "")"
                )
            }
            for fill in child.fills where fills.insert("\(child.venue)/\(fill.id)").inserted {
                print("    fill \(child.venue) \(fill.quantity) @ \(fill.price) fee \(fill.fee)")
            }
        }
    }
}

enum OrderText {
    static func summary(_ order: APIViews.OrderView) -> String {
        var line = "order \(order.id) \(order.status): \(order.filledQuantity) of \(order.quantity) \(order.symbol)"
        if let average = order.averagePrice { line += " at \(average) average, fees \(order.fees)" }
        if !order.venues.isEmpty { line += " (\(order.venues.joined(separator: ", ")))" }
        if let rejection = order.rejection { line += "\n  refused: \(rejection.code): \(rejection.message)" }
        if let note = order.note { line += "\n  note: \(note)" }
        return line
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        text.count >= width
            ? text
            : (left
                ? text + String(repeating: " ", count: width - text.count)
                : String(repeating: " ", count: width - text.count) + text)
    }
}

/// `ats-router orders`: the caller's orders, newest first.
struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders", abstract: "List your orders on a running router, newest first.")

    @Option(help: "Only orders in this status.") var status: OrderStatusChoice?
    @Option(help: "Only this security.") var symbol: String?
    @Option(help: "At most this many (1 to 1000).") var limit = 50
    @Option(help: "Continue after the last page: the cursor the previous page printed.") var cursor: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try server.client()
        try await runClient {
            var query = ["limit=\(limit)"]
            if let cursor {
                query.append("cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)")
            }
            if let status { query.append("status=\(status.rawValue)") }
            if let symbol {
                query.append("symbol=\(symbol.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? symbol)")
            }
            let reply = try await client.call(
                .GET, "/v1/orders?" + query.joined(separator: "&"), as: APIViews.OrderList.self)
            let orders = reply.orders
            if json { return printEncoded(reply) }
            if orders.isEmpty { return print("no orders") }
            print(
                OrderText.pad("id", 6) + "  " + OrderText.pad("symbol", 7, left: true)
                    + OrderText.pad("side", 5, left: true)
                    + OrderText.pad("quantity", 12) + OrderText.pad("filled", 12) + OrderText.pad("avg price", 12)
                    + "  "
                    + OrderText.pad("tif", 4, left: true) + "status")
            for order in orders {
                print(
                    OrderText.pad(order.id, 6) + "  " + OrderText.pad(order.symbol, 7, left: true)
                        + OrderText.pad(order.side, 5, left: true) + OrderText.pad(order.quantity, 12)
                        + OrderText.pad(order.filledQuantity, 12) + OrderText.pad(order.averagePrice ?? "-", 12)
                        + "  " + OrderText.pad(order.timeInForce, 4, left: true) + order.status)
            }
            if let next = reply.nextCursor { print("older orders: ats-router orders --cursor \(next)") }
        }
    }
}

/// The arguments of `order` and `cancel`: one order of the caller's.
struct OneOrderOptions: ParsableArguments {
    @Argument(help: "The order id.") var id: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var server: ServerOptions

    /// Sends `method` to the order's URL and prints the reply: JSON, or the summary and (with `detail`) everything.
    func perform(_ method: HTTPMethod, detail: Bool) async throws {
        let client = try server.client()
        try await runClient {
            guard UInt64(id) != nil else {
                throw ClientFailure(message: "error: an order id is a whole number, not \(id)", exitCode: 1)
            }
            let order = try await client.call(method, "/v1/orders/\(id)", as: APIViews.OrderView.self)
            if json { return printEncoded(order) }
            print(OrderText.summary(order))
            guard detail else { return }
            print(
                "  \(order.side) \(order.quantity) \(order.symbol) limit \(order.limitPrice ?? "none") \(order.timeInForce) strategy \(order.strategy)"
                    + " — created \(order.createdAt)")
            var progress = OrderProgress()
            progress.show(order)
        }
    }
}

/// `ats-router amend ID`: a resting order's new quantity or limit (cancel and replace).
struct AmendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend",
        abstract: "Change a resting order's quantity or limit (its resting child is cancelled and replaced).")
    @Argument(help: "The order id.") var id: String
    @Option(help: "The new quantity (above what has filled).") var quantity: String?
    @Option(help: "The new limit price.") var limit: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func validate() throws {
        guard quantity != nil || limit != nil else { throw ValidationError("give --quantity, --limit or both") }
    }

    func run() async throws {
        let client = try server.client()
        try await runClient {
            guard UInt64(id) != nil else {
                throw ClientFailure(message: "error: an order id is a whole number, not \(id)", exitCode: 1)
            }
            var body: [String: String] = [:]
            body["quantity"] = quantity
            body["limitPrice"] = limit
            let order = try await client.call(.PATCH, "/v1/orders/\(id)", body: body, as: APIViews.OrderView.self)
            if json { return printEncoded(order) }
            print(OrderText.summary(order))
            var progress = OrderProgress()
            progress.show(order)
        }
    }
}

/// `ats-router order ID`: one order with its children, fills and decisions.
struct OrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order", abstract: "Show one of your orders: children, fills, decisions.")
    @OptionGroup var order: OneOrderOptions
    func run() async throws { try await order.perform(.GET, detail: true) }
}

/// `ats-router cancel ID`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel one of your orders; fills already made stand.")
    @OptionGroup var order: OneOrderOptions
    func run() async throws { try await order.perform(.DELETE, detail: false) }
}
