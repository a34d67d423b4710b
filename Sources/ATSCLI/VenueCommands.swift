import ATSDomain
import ATSServer
import ATSVenueMocks
import ATSVenues
import ATSWire
import ArgumentParser
import Foundation
import Hummingbird

/// Options shared by commands that read the venue definitions.
struct VenueDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("venues"),
        help: ArgumentHelp(
            "The directory of venue definitions (default: ATS_ROUTER_VENUES, else ./venues, else the built-in ones).",
            valueName: "dir"))
    var directory: String?

    func catalog() throws -> VenueCatalog {
        do {
            return try ConfigurationSources.resolve(venues: directory).catalog()
        } catch {
            throw configurationFailure(error)
        }
    }
}

/// `ats-router venues [--json]`: the venues and their rules, or (with a server) their health.
struct VenuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "venues",
        abstract:
            "List the venues and their rules (from venues/*.json), or with --server their health as the router sees it."
    )

    @OptionGroup var venues: VenueDirectoryOptions
    @Flag(help: "Print JSON: an array of venues, each with its id.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        if server.isGiven {
            let client = try server.client()
            try await runClient {
                let reply = try await client.call(.GET, "/v1/venues", as: APIViews.VenueList.self)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(reply), as: UTF8.self))
                    return
                }
                for venue in reply.venues {
                    let latency =
                        venue.latencyP50Ms.map {
                            String(format: "latency p50 %.2f ms, p99 %.2f ms", $0, venue.latencyP99Ms ?? $0)
                        } ?? "no calls yet"
                    print(
                        "\(OrderText.pad(venue.id, 12, left: true)) \(venue.healthy ? "healthy " : "EXCLUDED") breaker \(venue.breaker); \(venue.calls) calls, \(venue.failures) failed; \(latency)"
                    )
                    let quotes = venue.listings.map { "\($0.symbol) \($0.quoteAgeMs.map { "\($0) ms" } ?? "no quote")" }
                    print(
                        "             quotes: \(quotes.joined(separator: ", "))\(venue.lastFailure.map { "; last failure: \($0)" } ?? "")"
                    )
                }
            }
            return
        }
        let catalog = try venues.catalog()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(catalog.venues), as: UTF8.self))
            return
        }
        print(VenueTable.render(catalog.venues))
    }
}

enum VenueTable {
    static func render(_ venues: [VenueDefinition]) -> String {
        var lines: [String] = []
        for venue in venues {
            let matching =
                venue.matching.auction.map { "call auction every \($0.intervalMinutes) min \($0.first)–\($0.last)" }
                ?? "continuous"
            let sessions =
                venue.sessions.isEmpty
                ? "24/7"
                : venue.sessions.map { "\($0.name) \($0.start)–\($0.end)" }.joined(separator: ", ")
                    + " \(venue.timeZone)"
            let fees = venue.fees
            var feeParts: [String] = []
            if fees.takerBps.isPositive || fees.makerBps.isPositive {
                feeParts.append("taker \(fees.takerBps) bp, maker \(fees.makerBps) bp")
            }
            if fees.buyerBps.isPositive || fees.sellerBps.isPositive {
                feeParts.append("buyer \(fees.buyerBps) bp, seller \(fees.sellerBps) bp")
            }
            if fees.commissionBps.isPositive { feeParts.append("commission \(fees.commissionBps) bp") }
            if fees.taxBps.isPositive { feeParts.append("tax \(fees.taxBps) bp") }
            if fees.fixedPerOrder.isPositive { feeParts.append("\(fees.fixedPerOrder) per order") }
            if let payment = fees.paidInVenueToken {
                feeParts.append(
                    "paid in \(payment.token) at \(payment.discountPercent)% off: taker \(fees.taker) bp, maker \(fees.maker) bp"
                )
            }
            let eligibility = venue.eligibility
            var who: [String] = []
            if eligibility.accreditedOnly { who.append("accredited") }
            if eligibility.usPersonsMustBeAccredited { who.append("US persons accredited") }
            if eligibility.qualifiedPurchaserOnly { who.append("qualified purchasers") }
            if eligibility.professionalOnly { who.append("professional clients") }
            if eligibility.nonUSPersonsOnly { who.append("non-US persons") }
            if !eligibility.allowedCountries.isEmpty {
                who.append("from \(eligibility.allowedCountries.joined(separator: ", "))")
            }
            lines.append("\(venue.id)  \(venue.name) — \(venue.regulator) [\(venue.jurisdiction)]")
            lines.append("  matching     \(matching); sessions \(sessions)")
            lines.append(
                "  orders       \(venue.orderTypes.map(\.rawValue).joined(separator: ", ")); \(venue.timeInForce.map(\.rawValue).joined(separator: ", "))"
            )
            lines.append("  fees         \(feeParts.isEmpty ? "none" : feeParts.joined(separator: "; "))")
            lines.append(
                "  who          \(who.isEmpty ? "any onboarded investor" : who.joined(separator: ", "))\(eligibility.kycRequired ? "; KYC at the venue" : "")"
            )
            lines.append(
                "  settlement   \(venue.settlement.model.rawValue), \(venue.settlement.cycle.rawValue)\(venue.settlement.deadlineHours.map { ", deadline \($0) h" } ?? ""); chain \(venue.chain); dialect \(venue.dialect.rawValue)"
            )
            if let d = venue.disclosures {
                lines.append("  filing       \(d.filing)")
                lines.append("  priority     \(d.priority); segmentation: \(d.segmentation)")
                lines.append(
                    "  access       \(d.access)\(d.fairAccessApplies ? "" : " (Regulation ATS fair access does not apply)")"
                )
            }
            lines.append("  listings     symbol   tick      lot   min qty   max qty    min value  band   reference")
            for listing in venue.listings {
                let cells = [
                    listing.symbol.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
                    listing.tickSize.description.padding(toLength: 9, withPad: " ", startingAt: 0),
                    listing.lotSize.description.padding(toLength: 5, withPad: " ", startingAt: 0),
                    listing.minimumQuantity.description.padding(toLength: 9, withPad: " ", startingAt: 0),
                    listing.maximumOrderQuantity.description.padding(toLength: 10, withPad: " ", startingAt: 0),
                    listing.minimumOrderValue.description.padding(toLength: 10, withPad: " ", startingAt: 0),
                    (listing.priceBandPercent.description + "%").padding(toLength: 6, withPad: " ", startingAt: 0),
                    listing.referencePrice.description + (listing.chain.map { "  (on \($0))" } ?? ""),
                ]
                lines.append("               " + cells.joined(separator: " "))
            }
            lines.append("  assumed      \(venue.assumptions.joined(separator: ", "))")
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}

/// `ats-router venue serve <id|all> [--port N]`: run venue mocks.
struct VenueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "venue",
        abstract: "Run mock venues.",
        subcommands: [Serve.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve one venue mock (or all five) over HTTP on loopback, in its own dialect.",
            discussion: """
                The simulation steps every 250 ms. Credentials are <id>-demo / <id>-demo-secret; the
                admin header for /_mock/* is x-mock-admin: <id>-demo-secret. Stop with Ctrl-C.
                """)

        @Argument(help: "A venue id, or all.") var venue: String
        @Option(help: "The port (0 picks a free one; with all, the first of five consecutive ports).") var port = 0
        @Option(help: "The seed of the shared reference price path.") var seed: UInt64 = 2026
        @Flag(
            help:
                "Trade in a simulated session (the next weekday from 15:00 UTC, at real speed) rather than on the real clock; start the router with `serve --simulated-session` to match."
        )
        var simulatedSession = false
        @Flag(
            help:
                "Lift the venues' published order rate limits (for load benchmarks; start the router with `serve --unthrottled-venues` to match)."
        )
        var unthrottled = false
        @OptionGroup var venues: VenueDirectoryOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            logging.bootstrap()
            let catalog = unthrottled ? try venues.catalog().liftingRateLimits() : try venues.catalog()
            let selected: [VenueDefinition]
            if venue == "all" {
                selected = catalog.venues
            } else {
                guard let id = try? VenueID(venue), let definition = catalog.venue(id) else {
                    throw ValidationError(
                        "no venue \"\(venue)\"; known: \(catalog.venues.map(\.id.rawValue).joined(separator: ", ")), all"
                    )
                }
                selected = [definition]
            }
            let clock: any TradingClock =
                simulatedSession
                ? RunningClock(startingAt: RunningClock.nextWeekdaySessionStart(after: SystemClock().now()))
                : SystemClock()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, definition) in selected.enumerated() {
                    let engine = VenueEngine(definition: definition, clock: clock, pathSeed: seed)
                    let credentials = MockCredentials.demo(for: definition.id)
                    let app = MockVenueServer.application(
                        engine: engine, credentials: credentials, clock: clock, port: port == 0 ? 0 : port + index,
                        logLevel: logging.logLevel.level,
                        onRunning: { port in
                            say(
                                "\(definition.id) (\(definition.dialect.rawValue) dialect) serving on http://127.0.0.1:\(port)"
                            )
                        })
                    group.addTask { try await app.runService() }
                }
                try await group.waitForAll()
            }
        }
    }
}
