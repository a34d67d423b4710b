import ATSAnalytics
import ATSDomain
import ATSServer
import ATSStorage
import ATSVenues
import ATSWire
import ArgumentParser
import Foundation

/// `ats-router report [--from T] [--to T] [--format md|json|csv|html|all] [--out DIR]`: routing
/// analytics from a journal (offline, read-only) or from a running router (your account's orders).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the routing analytics report: TCA, venue scorecards, 605/606-style tables, charts.",
        discussion: """
            Offline (the default) it reads the journal in --data-dir (or the PostgreSQL journal at \
            --database-url) without changing it, every account's \
            orders (or --account's). With --server (or ATS_ROUTER_URL) it asks that router for your API \
            key's account. Writes report.md, report.json, report.html (one self-contained file with inline \
            SVG charts) and CSV tables (summary, orders, venues, rule606, rule605) into --out (default \
            <data-dir>/reports). docs/reports.md defines every figure.
            """)

    @Option(help: "Orders created from this time: 2026-11-23 or 2026-11-23T15:30:00Z (UTC).") var from: String?
    @Option(help: "Orders created before this time.") var to: String?
    @Option(help: "md, json, csv, html (comma-separated) or all.") var format: ReportFormats = .all
    @Option(help: "Where to write (default: <data-dir>/reports).") var out: String?
    @Option(
        help: ArgumentHelp(
            "The journal's folder, offline (default: ATS_ROUTER_DATA_DIR, else ./data).", valueName: "dir"))
    var dataDir: String?
    @Option(
        help: ArgumentHelp(
            "Offline: the PostgreSQL journal at this URL instead of --data-dir's (default: ATS_ROUTER_DATABASE_URL).",
            valueName: "url"))
    var databaseURL: String?
    @Option(help: "Offline: only this account's orders.") var account: String?
    @OptionGroup var server: ServerOptions

    /// The journal's folder: --data-dir, else ATS_ROUTER_DATA_DIR, else ./data.
    var dataFolder: String { sources.dataDirectory.path ?? "data" }

    /// The data folder and the journal: flags, else ATS_ROUTER_DATA_DIR and ATS_ROUTER_DATABASE_URL.
    var sources: ConfigurationSources { .resolve(dataDirectory: dataDir, databaseURL: databaseURL) }

    func run() async throws {
        let formats = format.formats
        func bound(_ name: String, _ text: String?) throws -> Timestamp? {
            guard let text else { return nil }
            guard let time = ReportTime.parse(text) else {
                throw ValidationError(
                    "--\(name) must be a date (2026-11-23) or a UTC time (2026-11-23T15:30:00Z) from 1678 to 2261, not \(text)"
                )
            }
            return time
        }
        let fromTime = try bound("from", from)
        let toTime = try bound("to", to)
        if let fromTime, let toTime, toTime < fromTime { throw ValidationError("--to must not be before --from") }
        let report: Report
        if server.isGiven {
            if account != nil {
                throw ValidationError("--account reads a journal offline; a router answers for your API key's account")
            }
            let client = try server.client()
            var query: [String] = []
            if let from { query.append("from=\(from)") }
            if let to { query.append("to=\(to)") }
            var fetched: Report?
            try await runClient {
                fetched = try await client.call(
                    .GET, "/v1/reports" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), as: Report.self)
            }
            report = fetched!
        } else {
            let (journal, location) = try OfflineJournal.open(
                dataDirectory: dataFolder, databaseURL: sources.database?.url)
            let accountID = try account.map { text in
                guard let id = try? AccountID(text) else {
                    throw ValidationError("--account: \"\(text)\" is not an account id")
                }
                return id
            }
            do {
                report = ReportBuilder.build(
                    try ReportInput.journal(
                        journal, account: accountID, from: fromTime, to: toTime,
                        generatedAt: SystemClock().now()))
            } catch {
                throw ValidationError("the journal at \(location) could not be read: \(error)")
            }
        }
        let directory = out ?? (dataFolder as NSString).appendingPathComponent("reports")
        let written = try ReportWriter.write(report, formats: formats, to: directory)
        for line in ReportSummaryText.headline(report) { print(line) }
        for path in written { print("wrote \(path)") }
    }
}

/// The headline figures, as the CLI and the demo print them.
enum ReportSummaryText {
    /// With `latency`, each venue's median response time too (it varies from run to run).
    static func headline(_ report: Report, latency: Bool = true) -> [String] {
        let s = report.summary
        return [
            "\(s.orders) orders (\(s.ordersWithFills) with fills, \(s.rejected) rejected); filled \(s.filledQuantity) of \(s.orderedQuantity)"
                + (s.fillRatePercent.map { " (\($0) %)" } ?? "") + "; notional \(s.notional), fees \(s.fees)",
            "average slippage vs arrival mid: \(s.averageSlippageBps.map { "\($0) bp" } ?? "—") (quantity-weighted)",
            "fragmentation benefit vs the best single venue: \(s.fragmentationBenefit) over \(s.ordersComparedWithBestSingle) orders with fills "
                + "(\(s.ordersBetterThanBestSingle) better, \(s.ordersWorseThanBestSingle) worse, the rest as good); "
                + "\(s.extraQuantityOverBestSingle) units filled beyond any single venue",
        ]
            + report.venues.map { v in
                "  \(v.venue): \(v.childrenSent) children, fill rate \(v.fillRatePercent ?? "—") %, gone on arrival \(v.goneOnArrivalPercent ?? "—") %, "
                    + "share of volume \(v.volumeSharePercent ?? "—") %"
                    + (latency ? ", latency p50 \(v.latencyP50Ms.map { "\($0) ms" } ?? "—")" : "")
                    + ", fees \(v.fees)"
            }
    }
}
