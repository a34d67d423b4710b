import ATSAssembly
import ATSDomain
import ATSRouter
import ATSServer
import ATSWire
import ArgumentParser
import Foundation

/// `ats-router book SYMBOL [--account A] [--depth N] [--json]`: the consolidated book, from a
/// running router (`--server` or ATS_ROUTER_URL) or offline on the embedded venues.
struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Show the consolidated book of a security across every eligible venue.",
        discussion: """
            With --server (or ATS_ROUTER_URL) it asks that router for the book as your API key's \
            account sees it. Otherwise it polls every venue listing the security once (over HTTP, \
            on the embedded venue mocks unless config.json places venues elsewhere). Levels are \
            merged with their venue, raw price and all-in price (fees included), best all-in first. \
            With an account, only venues where it may trade the security now are included; every \
            venue left out is listed with the rule or condition (unhealthy, stale) that leaves it out.
            """
    )

    @Argument(help: "The security, for example ACME.") var symbol: String
    @Option(help: "Offline: only venues where this account may trade now.") var account: String?
    @Option(help: "The side the account would trade, for its eligibility.") var side: SideChoice = .buy
    @Option(help: "Levels shown per side.") var depth = 10
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: RouterOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let side: Side = side == .buy ? .buy : .sell
        guard (1...100).contains(depth) else { throw ValidationError("--depth must be from 1 to 100") }
        if server.isGiven {
            let client = try server.client()
            try await runClient {
                let path =
                    "/v1/book/\(symbol.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? symbol)?side=\(side.rawValue)&depth=\(depth)"
                show(try await client.call(.GET, path, as: APIViews.BookView.self), simulated: false)
            }
            return
        }
        let (catalog, configuration) = try options.load()
        guard let symbol = try? Symbol(symbol.uppercased()), configuration.security(symbol) != nil else {
            throw ValidationError(
                "unknown security \"\(self.symbol)\"; known: \(configuration.securities.map(\.symbol.rawValue).joined(separator: ", "))"
            )
        }
        var accountID: AccountID?
        if let account {
            guard let id = try? AccountID(account), configuration.account(id) != nil else {
                throw ValidationError(
                    "unknown account \"\(account)\"; known: \(configuration.accounts.map(\.id.rawValue).joined(separator: ", "))"
                )
            }
            accountID = id
        }
        var runtimeOptions = RouterRuntime.Options()
        runtimeOptions.stepInterval = nil
        let runtime = try await RouterRuntime.start(
            catalog: catalog, configuration: configuration, options: runtimeOptions)
        for mismatch in await runtime.router.verifyInstruments() {
            FileHandle.standardError.write(Data("warning: \(mismatch)\n".utf8))
        }
        await runtime.router.pollAll()
        let book = await runtime.router.context.consolidatedBook(symbol, account: accountID, side: side)
        await runtime.stop()
        show(APIViews.book(book, side: side, depth: depth), simulated: runtime.isSimulatedSession)
    }

    func show(_ book: APIViews.BookView, simulated: Bool) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: (try? encoder.encode(book)) ?? Data(), as: UTF8.self))
        } else {
            print(BookRendering.table(book, depth: depth, simulated: simulated))
        }
    }
}

enum BookRendering {
    static func table(_ book: APIViews.BookView, depth: Int, simulated: Bool) -> String {
        var lines: [String] = []
        let included = book.venues.filter(\.included).count
        lines.append(
            "\(book.symbol) consolidated book\(book.account.map { " for \($0)" } ?? "") — \(included) of \(book.venues.count) venues in; as of \(book.asOf)\(simulated ? " (simulated session)" : "")"
        )
        let pad = OrderText.pad
        func price(_ text: String) -> String { (try? Price(text))?.formatted(minimumFractionDigits: 2) ?? text }
        lines.append("  " + pad("ASKS (best all-in first)", 44, true) + "BIDS (best all-in first)")
        lines.append(
            "  " + pad("venue", 12, true) + pad("size", 10, false) + pad("price", 10, false) + pad("all-in", 12, false)
                + "  "
                + pad("venue", 12, true) + pad("size", 10, false) + pad("price", 10, false) + pad("all-in", 12, false))
        for row in 0..<min(depth, max(book.asks.count, book.bids.count)) {
            func cells(_ level: APIViews.LevelView?) -> String {
                guard let level else { return String(repeating: " ", count: 44) }
                return pad(level.venue, 12, true) + pad(level.quantity, 10, false) + pad(price(level.price), 10, false)
                    + pad(price(level.allInPrice), 12, false)
            }
            lines.append(
                "  " + cells(row < book.asks.count ? book.asks[row] : nil) + "  "
                    + cells(row < book.bids.count ? book.bids[row] : nil))
        }
        if book.asks.isEmpty && book.bids.isEmpty { lines.append("  (no eligible liquidity)") }
        lines.append("")
        lines.append("  venues:")
        for status in book.venues {
            let age = status.ageMilliseconds.map { "quote \($0) ms old" } ?? "no quote"
            let state = status.included ? "in " : "out"
            lines.append(
                "    \(state) \(pad(status.venue, 12, true)) \(pad(status.matching, 13, true)) fee buy \(status.buyFeeBps) bp / sell \(status.sellFeeBps) bp, \(age)"
                    + (status.included ? "" : " — \(status.code ?? ""): \(status.reason ?? "")"))
            if !status.included, let unlock = status.unlock {
                let top = [
                    status.bestAsk.map { "ask \($0.quantity) at \($0.price)" },
                    status.bestBid.map { "bid \($0.quantity) at \($0.price)" },
                ].compactMap { $0 }.joined(separator: ", ")
                lines.append("        not reachable yet\(top.isEmpty ? "" : " (\(top))"); \(unlock)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
