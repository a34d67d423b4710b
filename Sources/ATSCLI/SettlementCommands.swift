import ATSDomain
import ATSRouter
import ATSServer
import ATSSettlement
import ATSStorage
import ATSVenues
import ATSWire
import ArgumentParser
import Foundation

/// Where settlement commands read: a running router (the API key's account), or a journal
/// opened read-only with `--data-dir` or `--database-url`.
struct SettlementSource: ParsableArguments {
    @Option(help: "Read the journal in this folder, read-only, instead of asking a running router.") var dataDir:
        String?
    @Option(
        help: ArgumentHelp(
            "Read the PostgreSQL journal at this URL (postgresql://USER@HOST:PORT/DB), read-only, instead of asking a running router.",
            valueName: "url"))
    var databaseURL: String?
    @OptionGroup var options: RouterOptions
    @OptionGroup var server: ServerOptions

    /// Whether the command reads a journal itself rather than asking a router.
    var isOffline: Bool { dataDir != nil || databaseURL != nil }

    /// The venues, accounts and settlement book of the journal `--data-dir` or `--database-url` names.
    func offlineBook() throws -> (VenueCatalog, RouterConfiguration, SettlementBook) {
        let (catalog, configuration) = try options.load()
        let (journal, location) = try OfflineJournal.open(dataDirectory: dataDir ?? "data", databaseURL: databaseURL)
        do {
            let book =
                try SettlementDesk.book(in: journal, catalog: catalog, configuration: configuration)
                ?? SettlementBook(catalog: catalog, configuration: configuration)
            return (catalog, configuration, book)
        } catch {
            throw ValidationError("the journal at \(location) could not be read: \(error)")
        }
    }

    func account(_ text: String, in configuration: RouterConfiguration) throws -> Account {
        guard let id = try? AccountID(text), let account = configuration.account(id) else {
            throw ValidationError(
                "unknown account \"\(text)\"; known: \(configuration.accounts.map(\.id.rawValue).joined(separator: ", "))"
            )
        }
        return account
    }
}

/// `ats-router settlements [--order ID] [--status S] [--json]`: each execution's settlement and
/// the custody transfers after them.
struct SettlementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settlements",
        abstract: "Show settlements (one per execution) and custody transfers.",
        discussion: """
            Against a running router (--server or ATS_ROUTER_URL, default http://127.0.0.1:8080) for your \
            API key's account; or offline with --data-dir (or --database-url for a PostgreSQL journal), \
            reading that journal without changing it (every account, or --account's). In JSON each settlement carries its model and status.
            """)

    @Option(help: "Only the settlements of this order.") var order: String?
    @Option(help: "Only settlements in this status.") var status: SettlementStatusChoice?
    @Option(help: "Offline (--data-dir): only this account's.") var account: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var source: SettlementSource

    func run() async throws {
        if let order, UInt64(order) == nil {
            throw ValidationError("--order must be an order id (a whole number), not \(order)")
        }
        let wanted = status.flatMap { SettlementRecord.Status(rawValue: $0.rawValue) }
        let list: APIViews.SettlementList
        if source.isOffline {
            let (_, configuration, book) = try source.offlineBook()
            let id = try account.map { try source.account($0, in: configuration).id }
            list = APIViews.settlements(
                book.select(SettlementBook.Query(account: id, order: order.flatMap(UInt64.init), status: wanted)))
        } else {
            if account != nil {
                throw ValidationError(
                    "--account reads a journal offline (with --data-dir or --database-url); a router answers for your API key's account"
                )
            }
            let client = try source.server.client()
            var query: [String] = []
            if let order { query.append("order=\(order)") }
            if let wanted { query.append("status=\(wanted.rawValue)") }
            var settlements: [APIViews.SettlementView] = []
            var transfers: [APIViews.TransferView] = []
            // Every page, newest first (the server pages at most 1,000 a request).
            try await runClient {
                var cursor: String?
                repeat {
                    let paged = query + ["limit=1000"] + (cursor.map { ["cursor=\($0)"] } ?? [])
                    let page = try await client.call(
                        .GET, "/v1/settlements?" + paged.joined(separator: "&"), as: APIViews.SettlementList.self)
                    settlements += page.settlements
                    transfers += page.transfers.filter { transfer in !transfers.contains { $0.id == transfer.id } }
                    cursor = page.nextCursor
                } while cursor != nil
            }
            list = APIViews.SettlementList(settlements: settlements, transfers: transfers)
        }
        if json { return printEncoded(list) }
        print(SettlementText.table(list))
    }
}

/// `ats-router positions --account A [--json]`: holdings by lot and location, what is sellable
/// where, cash, and transfers under way.
struct PositionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "positions",
        abstract: "Show an account's positions: lots, balances by custodian and chain, sellable per venue, cash.",
        discussion: """
            Against a running router (--server or ATS_ROUTER_URL) for your API key's account (--account, \
            if given, must be that account); or offline with --data-dir (or --database-url) for --account, reading that journal \
            without changing it (open sell orders are then not netted).
            """)

    @Option(help: "The account (required offline).") var account: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var source: SettlementSource

    func run() async throws {
        let view: APIViews.PositionsView
        if source.isOffline {
            guard let account else {
                throw ValidationError("--account is required offline (--data-dir, --database-url)")
            }
            let (catalog, configuration, book) = try source.offlineBook()
            let investor = try source.account(account, in: configuration)
            let asOf = book.ledger.entryCount == 0 ? Timestamp.epoch : latestActivity(book)
            view = APIViews.positions(book, account: investor, catalog: catalog, asOf: asOf)
        } else {
            let client = try source.server.client()
            var fetched: APIViews.PositionsView?
            try await runClient {
                fetched = try await client.call(.GET, "/v1/positions", as: APIViews.PositionsView.self)
            }
            view = fetched!
            if let account, account != view.account {
                FileHandle.standardError.write(Data("error: the API key is \(view.account)'s, not \(account)'s\n".utf8))
                throw ExitCode(1)
            }
        }
        if json { return printEncoded(view) }
        print(SettlementText.positions(view))
    }

    /// The time of the journal's last settlement activity (what an offline view is as of).
    func latestActivity(_ book: SettlementBook) -> Timestamp {
        let times =
            book.settlements.flatMap { $0.steps.map(\.at) }
            + book.transfers.flatMap { [$0.createdAt] + $0.hops.compactMap(\.completedAt) }
        return times.max() ?? .epoch
    }
}

/// `ats-router transfer SYMBOL QUANTITY --to VENUE|LOCATION [--from LOCATION]`.
struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Move free tokens between custodians and chains (to sell them at a venue that settles elsewhere).")

    @Argument(help: "The security, e.g. ACME.") var symbol: String
    @Argument(help: "The quantity.") var quantity: String
    @Option(help: "A venue id (where it settles) or a location: wallet:<chain>, custodian:<venue>.") var to: String
    @Option(help: "Where from (default: the account's designated custody).") var from: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let client = try server.client()
        try await runClient {
            let reply = try await client.call(
                .POST, "/v1/transfers",
                body: APIViews.TransferRequestBody(symbol: symbol, quantity: quantity, to: to, from: from),
                as: APIViews.TransferView.self)
            if json { return printEncoded(reply) }
            print(
                "transfer \(reply.id): \(reply.quantity) \(reply.symbol) \(reply.from) → \(reply.to): \(reply.status)")
            for hop in reply.hops { print("  \(hop.kind) \(hop.from) → \(hop.to) (\(hop.minutes) min)") }
        }
    }
}

/// Settlement views as text.
enum SettlementText {
    static func table(_ list: APIViews.SettlementList) -> String {
        guard !list.settlements.isEmpty || !list.transfers.isEmpty else { return "no settlements" }
        func row(_ cells: [String]) -> String {
            let widths = [5, 6, 12, 5, 10, 7, 10, 33, 11]
            let right: Set<Int> = [0, 1, 4, 6]
            var line = ""
            for (i, cell) in cells.enumerated() {
                guard i < widths.count else {
                    line += cell
                    continue
                }
                line += OrderText.pad(cell, widths[i], left: !right.contains(i)) + (right.contains(i) ? "  " : "")
            }
            return line
        }
        var lines = [row(["id", "order", "venue", "side", "quantity", "symbol", "price", "model", "status", "when"])]
        for s in list.settlements {
            let when =
                s.settledAt.map { "settled \($0)" }
                ?? (s.status == "failed" ? "failed \(s.steps.last?.at ?? "")" : "due \(s.dueAt)")
            lines.append(
                row([
                    s.id, s.orderId, s.venue, s.side, s.quantity, s.symbol, s.price, "\(s.model) \(s.cycle)", s.status,
                    when,
                ]))
            if let failure = s.failure {
                lines.append(
                    "       \(failure.code)\(failure.dsProtocolCode.map { " (DS \($0))" } ?? ""): \(failure.reason)")
                lines.append("       close-out: \(failure.closeOut)")
            }
        }
        for t in list.transfers {
            lines.append(
                "transfer \(t.id): \(t.quantity) \(t.symbol) \(t.from) → \(t.to): \(t.status)"
                    + (t.settlementId.map { " (after settlement \($0))" } ?? "") + (t.failure.map { " — \($0)" } ?? ""))
            for hop in t.hops {
                let state =
                    hop.completedAt.map { "arrived \($0)" } ?? hop.arrivesAt.map { "arrives \($0)" } ?? "not started"
                lines.append(
                    "    \(hop.kind) \(hop.from) → \(hop.to), \(hop.minutes) min\(hop.fee == "0" ? "" : ", fee \(hop.fee) USD"): \(state)"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    static func positions(_ view: APIViews.PositionsView) -> String {
        var lines = ["positions of \(view.account) as of \(view.asOf)"]
        for security in view.securities {
            lines.append(
                "  \(security.symbol): \(security.quantity) (designated custody \(security.designatedCustody))")
            lines.append(
                "    lots: " + security.lots.map { "\($0.quantity) acquired \($0.acquiredOn)" }.joined(separator: ", "))
            for place in security.locations {
                lines.append(
                    "    \(OrderText.pad(place.location, 18, left: true)) \(place.location == "transit" ? "in transit" : "free") \(place.available)"
                        + (place.locked == "0" ? "" : ", earmarked for settlement \(place.locked)")
                        + (place.reservedForOpenSells == "0"
                            ? "" : ", promised to open sells \(place.reservedForOpenSells)"))
            }
            lines.append(
                "    sellable now: "
                    + security.sellableAt.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                        separator: ", "))
        }
        if !view.cash.isEmpty {
            lines.append("  cash:")
            for cash in view.cash {
                lines.append(
                    "    \(OrderText.pad(cash.asset, 5, left: true)) \(OrderText.pad(cash.location, 18, left: true)) \(cash.available)"
                        + (cash.locked == "0" ? "" : ", earmarked for settlement \(cash.locked)")
                        + (cash.reservedForOpenBuys == "0" ? "" : ", promised to open buys \(cash.reservedForOpenBuys)")
                )
            }
        }
        if let power = view.buyingPower, !power.isEmpty {
            lines.append(
                "  buying power: "
                    + power.map {
                        "\($0.venue) \($0.total) \($0.asset)"
                            + ($0.convertible.map { c in " (\(c) by conversion)" } ?? "")
                    }.joined(separator: ", "))
        }
        for t in view.transfersInFlight {
            lines.append(
                "  in flight: transfer \(t.id), \(t.quantity) \(t.symbol) \(t.from) → \(t.to), now at \(t.location)")
        }
        return lines.joined(separator: "\n")
    }
}
