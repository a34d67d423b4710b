import ATSWire
import ArgumentParser
import Foundation

struct OfferingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offerings",
        abstract: "List the venues' primary offerings: terms, who may subscribe, and whether you may.",
        discussion:
            "Against a running router (--server or ATS_ROUTER_URL); each venue that runs offerings is asked now.")

    @Option(help: "Compare this offering with buying the same units on the secondary books (with --venue, --amount).")
    var compare: String?
    @Option(help: "The venue running the offering compared.") var venue: String?
    @Option(help: "The amount to compare, in the offering's payment asset.") var amount: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func validate() throws {
        if compare != nil && (venue == nil || amount == nil) {
            throw ValidationError("--compare needs --venue and --amount")
        }
    }

    func run() async throws {
        let client = try server.client()
        if let compare, let venue, let amount {
            return try await runClient {
                let query = amount.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? amount
                let view = try await client.call(
                    .GET, "/v1/offerings/\(venue)/\(compare)/comparison?amount=\(query)",
                    as: APIViews.OfferingComparisonView.self)
                if json { return printEncoded(view) }
                print(SubscriptionText.comparison(view))
            }
        }
        try await runClient {
            let list = try await client.call(.GET, "/v1/offerings", as: APIViews.OfferingList.self)
            if json { return printEncoded(list) }
            if list.offerings.isEmpty { print("no offerings") }
            for offering in list.offerings {
                let terms =
                    "\(offering.pricePerUnit) \(offering.paymentAsset) a unit, lots of \(offering.lotSize), \(offering.minimumInvestment) to \(offering.maximumInvestment)"
                print(
                    "\(offering.venue) \(offering.id) \(offering.symbol): \(terms); raised \(offering.raised) of \(offering.minimumRaise)–\(offering.maximumRaise); closes \(offering.closesOn)\(offering.open ? "" : " (closed)")"
                )
                print(
                    "  delivered to \(offering.deliveredTo); holding period \(offering.holdingPeriod); "
                        + (offering.refusal.map { "you may not subscribe: \($0.code): \($0.message)" }
                            ?? "you may subscribe"))
            }
            for venue in list.unavailable { print("\(venue.venue): unavailable: \(venue.reason)") }
        }
    }
}

struct SubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Subscribe an amount to a primary offering (cash earmarked until the offering allocates).")

    @Argument(help: "The offering id, e.g. VINE-2026B.") var offering: String
    @Argument(help: "The amount, in the offering's payment asset.") var amount: String
    @Option(help: "The venue running it, e.g. rialto.") var venue: String
    @Option(help: "Your id for this subscription: sending it again returns the same one.")
    var clientSubscriptionId: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try server.client()
        try await runClient {
            let reply = try await client.call(
                .POST, "/v1/subscriptions",
                body: APIViews.SubscriptionRequestBody(
                    venue: venue, offering: offering, amount: amount, clientSubscriptionId: clientSubscriptionId),
                as: APIViews.SubscriptionView.self)
            if json { return printEncoded(reply) }
            print(SubscriptionText.line(reply))
            // Refused by a rule: the line above names it; the exit status says so to a script.
            if reply.status == "rejected" { throw ExitCode(1) }
        }
    }
}

struct SubscriptionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscriptions", abstract: "List your subscriptions to primary offerings, newest first.")

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try server.client()
        try await runClient {
            let list = try await client.call(.GET, "/v1/subscriptions", as: APIViews.SubscriptionList.self)
            if json { return printEncoded(list) }
            if list.subscriptions.isEmpty { print("no subscriptions") }
            for subscription in list.subscriptions { print(SubscriptionText.line(subscription)) }
        }
    }
}

enum SubscriptionText {
    static func comparison(_ view: APIViews.OfferingComparisonView) -> String {
        func route(_ name: String, _ r: APIViews.AcquisitionView) -> String {
            "  \(name): \(r.units) \(view.symbol) for \(r.cost) all-in (fees \(r.fees)\(r.pricePerUnit.map { ", \($0) a unit" } ?? "")) at \(r.venues.joined(separator: ", ")); delivered by \(r.deliveredOn), resalable from \(r.resalableFrom)"
        }
        var lines = ["\(view.amount) into \(view.venue) \(view.offering) against the books: \(view.better) is better"]
        lines.append(route("offering", view.primary))
        lines.append(view.secondary.map { route("books", $0) } ?? "  books: none you may trade")
        lines += view.reasons.map { "  - " + $0 }
        return lines.joined(separator: "\n")
    }

    static func line(_ s: APIViews.SubscriptionView) -> String {
        var line = "subscription \(s.id): \(s.amount) to \(s.venue) \(s.offering) (\(s.symbol)): \(s.status)"
        switch s.status {
        case "allocated":
            line +=
                ", \(s.units) \(s.symbol) for \(s.paid), \(s.refund) refunded, issued \(s.issuedOn ?? "?") to \(s.deliveredTo)"
        case "refunded": line += ", \(s.refund) refunded"
        case "rejected": line += s.rejection.map { " (\($0.code): \($0.message))" } ?? ""
        default: line += ", closes \(s.closesOn)"
        }
        return line
    }
}

struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert cash at a venue that lists a cash pair (INX: USDC/USD), at its price less its fee.")

    @Argument(help: "The amount of --from to convert.") var amount: String
    @Option(help: "USD or USDC.") var from: String
    @Option(help: "USD or USDC.") var to: String
    @Option(help: "The venue, e.g. inx.") var venue = "inx"
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try server.client()
        try await runClient {
            let reply = try await client.call(
                .POST, "/v1/conversions",
                body: APIViews.ConversionRequestBody(venue: venue, from: from, to: to, amount: amount),
                as: APIViews.ConversionView.self)
            if json { return printEncoded(reply) }
            print(SubscriptionText.conversion(reply))
            if reply.status == "rejected" { throw ExitCode(1) }
        }
    }
}

extension SubscriptionText {
    static func conversion(_ c: APIViews.ConversionView) -> String {
        var line =
            "conversion \(c.id) at \(c.venue): \(c.amount) \(c.from) (\(c.fromLocation)) → \(c.to) (\(c.toLocation)): \(c.status)"
        if let received = c.received {
            line += ", \(received) \(c.to) received at \(c.price ?? "?") less a fee of \(c.fee ?? "0")"
        }
        if let rejection = c.rejection { line += " (\(rejection.code): \(rejection.message))" }
        return line
    }
}
