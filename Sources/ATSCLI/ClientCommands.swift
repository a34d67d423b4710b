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
    @Argument(help: "buy or sell.") var side: String
    @Argument(help: "The quantity, a decimal such as 300 or 12.5.") var quantity: String
    @Option(name: .customLong("limit"), help: "Limit price (none: take what is there, IOC/FOK only).") var limitPrice:
        String?
    @Option(name: .customLong("tif"), help: "Time in force: IOC, FOK, DAY or GTC.") var timeInForce = "IOC"
    @Option(help: "cost (default), best-single or pro-rata.") var strategy = "cost"
    @Option(help: "Only these venues (comma-separated).") var include: String?
    @Option(help: "Never these venues (comma-separated).") var exclude: String?
    @Option(help: "Your id for the order: submitting it again returns the same order.") var clientOrderId: String?
    @Flag(help: "Return once accepted, without following.") var noFollow = false
    @Flag(help: "Print the final order as JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try server.client()
        try await runClient {
            var body: [String: Any] = [
                "symbol": symbol, "side": side, "quantity": quantity, "timeInForce": timeInForce, "strategy": strategy,
            ]
            if let limitPrice { body["limitPrice"] = limitPrice }
            if let include { body["includeVenues"] = include.split(separator: ",").map { String($0) } }
            if let exclude { body["excludeVenues"] = exclude.split(separator: ",").map { String($0) } }
            if let clientOrderId { body["clientOrderId"] = clientOrderId }
            var order = try await client.call(.POST, "/v1/orders", body: body)
            let id = order["id"] as? String ?? "?"
            if !json {
                print(
                    "order \(id) accepted: \(order["side"] ?? "") \(order["quantity"] ?? "") \(order["symbol"] ?? "") \(order["timeInForce"] ?? "")"
                )
            }
            var shown = OrderProgress()
            if !json { shown.show(order) }
            let deadline = ContinuousClock.now + .seconds(60)
            while !noFollow && order["status"] as? String == "working" && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                order = try await client.call(.GET, "/v1/orders/\(id)?wait=1")
                if !json { shown.show(order) }
            }
            if json {
                printJSON(order)
            } else {
                print(OrderText.summary(order))
            }
            if order["status"] as? String == "rejected" { throw ExitCode(1) }
        }
    }
}

/// What `submit` has printed so far, so that each poll prints only what is new.
struct OrderProgress {
    var decisions = 0
    var children: [String: String] = [:]
    var fills: Set<String> = []

    mutating func show(_ order: [String: Any]) {
        let decisionList = order["decisions"] as? [[String: Any]] ?? []
        for decision in decisionList.dropFirst(decisions) {
            let attempt = decision["attempt"] as? Int ?? 0
            let split = (decision["allocations"] as? [[String: Any]] ?? []).map {
                "\($0["venue"] ?? "") \($0["quantity"] ?? "")"
            }
            print(
                "  \(attempt == 0 ? "plan" : "re-route \(attempt)"): \(split.isEmpty ? "nothing eligible" : split.joined(separator: ", "))"
            )
        }
        decisions = decisionList.count
        for child in order["children"] as? [[String: Any]] ?? [] {
            let key = child["clientKey"] as? String ?? ""
            let status = child["status"] as? String ?? ""
            if children[key] != status {
                children[key] = status
                let why = (child["refusal"] as? [String: Any])?["code"] as? String ?? child["failure"] as? String
                print(
                    "  child \(child["venue"] ?? "") \(child["quantity"] ?? "") @ \(child["limitPrice"] ?? "") \(child["timeInForce"] ?? ""): \(status)\(why.map { " (\($0))" } ?? "")"
                )
            }
            for fill in child["fills"] as? [[String: Any]] ?? [] {
                let id = "\(child["venue"] ?? "")/\(fill["id"] ?? "")"
                if fills.insert(id).inserted {
                    print(
                        "    fill \(child["venue"] ?? "") \(fill["quantity"] ?? "") @ \(fill["price"] ?? "") fee \(fill["fee"] ?? "")"
                    )
                }
            }
        }
    }
}

enum OrderText {
    static func summary(_ order: [String: Any]) -> String {
        let status = order["status"] as? String ?? "?"
        var line =
            "order \(order["id"] ?? "?") \(status): \(order["filledQuantity"] ?? "0") of \(order["quantity"] ?? "?") \(order["symbol"] ?? "")"
        if let average = order["averagePrice"] as? String {
            line += " at \(average) average, fees \(order["fees"] ?? "0")"
        }
        if let venues = order["venues"] as? [String], !venues.isEmpty { line += " (\(venues.joined(separator: ", ")))" }
        if let rejection = order["rejection"] as? [String: Any] {
            line += "\n  refused: \(rejection["code"] ?? ""): \(rejection["message"] ?? "")"
        }
        if let note = order["note"] as? String { line += "\n  note: \(note)" }
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

    @Option(
        help: "Only orders in this status (working, resting, filled, partially_filled, expired, cancelled, rejected).")
    var status: String?
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
            if let status {
                query.append("status=\(status.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? status)")
            }
            if let symbol {
                query.append("symbol=\(symbol.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? symbol)")
            }
            let reply = try await client.call(.GET, "/v1/orders?" + query.joined(separator: "&"))
            let orders = reply["orders"] as? [[String: Any]] ?? []
            if json { return printJSON(reply) }
            if orders.isEmpty { return print("no orders") }
            print(
                OrderText.pad("id", 6) + "  " + OrderText.pad("symbol", 7, left: true)
                    + OrderText.pad("side", 5, left: true)
                    + OrderText.pad("quantity", 12) + OrderText.pad("filled", 12) + OrderText.pad("avg price", 12)
                    + "  "
                    + OrderText.pad("tif", 4, left: true) + "status")
            for order in orders {
                print(
                    OrderText.pad(order["id"] as? String ?? "", 6) + "  "
                        + OrderText.pad(order["symbol"] as? String ?? "", 7, left: true)
                        + OrderText.pad(order["side"] as? String ?? "", 5, left: true)
                        + OrderText.pad(order["quantity"] as? String ?? "", 12)
                        + OrderText.pad(order["filledQuantity"] as? String ?? "", 12)
                        + OrderText.pad(order["averagePrice"] as? String ?? "-", 12)
                        + "  " + OrderText.pad(order["timeInForce"] as? String ?? "", 4, left: true)
                        + (order["status"] as? String ?? ""))
            }
            if let next = reply["nextCursor"] as? String { print("older orders: ats-router orders --cursor \(next)") }
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
            let order = try await client.call(method, "/v1/orders/\(id)")
            if json { return printJSON(order) }
            print(OrderText.summary(order))
            guard detail else { return }
            print(
                "  \(order["side"] ?? "") \(order["quantity"] ?? "") \(order["symbol"] ?? "") limit \(order["limitPrice"] ?? "none") \(order["timeInForce"] ?? "") strategy \(order["strategy"] ?? "")"
                    + " — created \(order["createdAt"] ?? "")")
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
