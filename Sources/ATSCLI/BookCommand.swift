import ArgumentParser
import ATSDomain
import ATSRouter
import Foundation

/// `ats-router book SYMBOL [--account A] [--depth N] [--json]`: the consolidated book.
struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Show the consolidated book of a security across every eligible venue.",
        discussion: """
            Polls every venue listing the security once (over HTTP, on the embedded venue mocks
            unless config.json places venues elsewhere) and prints the merged levels, each with its
            venue, raw price and all-in price (fees included), best all-in first. With --account,
            only venues where that account may trade the security now are included; every venue
            left out is listed with the rule or condition (unhealthy, stale) that leaves it out.
            """
    )

    @Argument(help: "The security, for example ACME.") var symbol: String
    @Option(help: "Only venues where this account may trade now.") var account: String?
    @Option(help: "The side the account would trade, for its eligibility (buy or sell).") var side: String = "buy"
    @Option(help: "Levels shown per side.") var depth = 10
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: RouterOptions

    func run() async throws {
        let (catalog, configuration) = try options.load()
        guard let symbol = try? Symbol(symbol), configuration.security(symbol) != nil else {
            throw ValidationError("unknown security \"\(self.symbol)\"; known: \(configuration.securities.map(\.symbol.rawValue).joined(separator: ", "))")
        }
        var accountID: AccountID?
        if let account {
            guard let id = try? AccountID(account), configuration.account(id) != nil else {
                throw ValidationError("unknown account \"\(account)\"; known: \(configuration.accounts.map(\.id.rawValue).joined(separator: ", "))")
            }
            accountID = id
        }
        guard let side = Side(caseInsensitive: side) else { throw ValidationError("--side must be buy or sell") }
        guard (1...100).contains(depth) else { throw ValidationError("--depth must be from 1 to 100") }
        let embedded = try await EmbeddedRouter.start(catalog: catalog, configuration: configuration, stepInterval: nil)
        for mismatch in await embedded.router.verifyInstruments() {
            FileHandle.standardError.write(Data("warning: \(mismatch)\n".utf8))
        }
        await embedded.router.pollAll()
        let book = await embedded.router.context.consolidatedBook(symbol, account: accountID, side: side)
        await embedded.stop()
        if json {
            print(BookRendering.json(book, depth: depth))
        } else {
            print(BookRendering.table(book, depth: depth, simulated: embedded.isSimulatedSession))
        }
    }
}

enum BookRendering {
    static func table(_ book: ConsolidatedBook, depth: Int, simulated: Bool) -> String {
        var lines: [String] = []
        let included = book.venues.filter(\.included).count
        lines.append("\(book.symbol) consolidated book\(book.account.map { " for \($0)" } ?? "") — \(included) of \(book.venues.count) venues in; as of \(book.asOf)\(simulated ? " (simulated session)" : "")")
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            text.count >= width ? text : (left ? text + String(repeating: " ", count: width - text.count)
                                          : String(repeating: " ", count: width - text.count) + text)
        }
        lines.append("  " + pad("ASKS (best all-in first)", 44, left: true) + "BIDS (best all-in first)")
        lines.append("  " + pad("venue", 12, left: true) + pad("size", 10) + pad("price", 10) + pad("all-in", 12) + "  "
                     + pad("venue", 12, left: true) + pad("size", 10) + pad("price", 10) + pad("all-in", 12))
        for row in 0..<min(depth, max(book.asks.count, book.bids.count)) {
            func cells(_ level: ConsolidatedBook.Level?) -> String {
                guard let level else { return String(repeating: " ", count: 44) }
                return pad(level.venue.rawValue, 12, left: true) + pad(level.quantity.description, 10)
                    + pad(level.price.formatted(minimumFractionDigits: 2), 10) + pad(level.allInPrice.formatted(minimumFractionDigits: 2), 12)
            }
            lines.append("  " + cells(row < book.asks.count ? book.asks[row] : nil) + "  " + cells(row < book.bids.count ? book.bids[row] : nil))
        }
        if book.asks.isEmpty && book.bids.isEmpty { lines.append("  (no eligible liquidity)") }
        lines.append("")
        lines.append("  venues:")
        for status in book.venues {
            let age = status.ageMilliseconds.map { "quote \($0) ms old" } ?? "no quote"
            let state = status.included ? "in " : "out"
            lines.append("    \(state) \(pad(status.venue.rawValue, 12, left: true)) \(pad(status.matching, 13, left: true)) fee buy \(status.buyFeeBps) bp / sell \(status.sellFeeBps) bp, \(age)"
                         + (status.included ? "" : " — \(status.code ?? ""): \(status.reason ?? "")"))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ book: ConsolidatedBook, depth: Int) -> String {
        func level(_ level: ConsolidatedBook.Level) -> [String: Any] {
            ["venue": level.venue.rawValue, "price": level.price.description, "quantity": level.quantity.description,
             "allInPrice": level.allInPrice.description]
        }
        let object: [String: Any] = [
            "symbol": book.symbol.rawValue,
            "account": book.account?.rawValue ?? NSNull(),
            "asOf": book.asOf.description,
            "bids": book.bids.prefix(depth).map(level),
            "asks": book.asks.prefix(depth).map(level),
            "venues": book.venues.map { status -> [String: Any] in
                ["venue": status.venue.rawValue, "included": status.included, "code": status.code ?? NSNull(),
                 "reason": status.reason ?? NSNull(), "sequence": status.sequence.map { String($0) } ?? NSNull(),
                 "ageMilliseconds": status.ageMilliseconds.map { Int($0) } ?? NSNull(),
                 "buyFeeBps": status.buyFeeBps.description, "sellFeeBps": status.sellFeeBps.description,
                 "fixedFee": status.fixedFee.description, "matching": status.matching]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
