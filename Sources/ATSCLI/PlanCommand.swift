import ATSPlanning
import ATSVenues
import ATSWire
import ArgumentParser
import Foundation

/// `ats-router plan --snapshot FILE --order FILE`: one allocation, offline; `plan --live SYMBOL
/// SIDE QUANTITY …`: what a running router would do with that order now (`POST /v1/plans`).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Split one order across venues: from a snapshot of their books offline, or on a router's live book.",
        discussion: """
            Offline (--snapshot, --order): reads a consolidated snapshot and a parent order (JSON,
            numbers as decimal strings), prints the allocation as JSON on stdout and exits 0.
            Touches no network and no database. The answer is optimal: the largest fill, then the
            lowest all-in cost (highest net proceeds for a sell). The order may name a `strategy`
            (cost, best-single, pro-rata) and `includeVenues`/`excludeVenues`. Format:
            docs/routing.md, "The plan contract".

            Live (--live SYMBOL SIDE QUANTITY): asks a running router what it would do with the
            order now for your account (POST /v1/plans): admitted or refused naming the rule, the
            plan on the live book, venues left out and why, the children it would send. Nothing is
            sent. Exit codes: 0 it would be accepted, 1 refused, 3 the router is unreachable.
            """
    )

    @Option(help: "The snapshot file: {symbol, venues: [{venue, lotSize, minQuantity, …, bids, asks}]}.")
    var snapshot: String?

    @Option(help: "The order file: {side, quantity, limitPrice?}.")
    var order: String?

    @Option(help: "Override the order's strategy.")
    var strategy: StrategyChoice?

    @Flag(help: "Plan on a running router's live book for your account (POST /v1/plans).") var live = false
    @Argument(help: "With --live: the security, buy or sell, and the quantity.") var orderArguments: [String] = []
    @Option(name: .customLong("limit"), help: "With --live: the limit price.") var limitPrice: String?
    @Option(name: .customLong("tif"), help: "With --live: time in force.") var timeInForce: TimeInForceChoice = .ioc
    @Option(help: "With --live: only these venues (comma-separated).") var include: String?
    @Option(help: "With --live: never these venues (comma-separated).") var exclude: String?
    @Flag(help: "With --live: the order may move tokens or convert cash first.") var allowTransfers = false
    @Flag(help: "With --live: print the reply as JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func run() async throws {
        if live { return try await runLive() }
        guard let snapshot, let order else {
            throw ValidationError("--snapshot and --order name the files to plan offline (or use --live)")
        }
        do {
            let books = try PlanContract.loadSnapshot(path: snapshot)
            var parent = try PlanContract.loadOrder(path: order)
            if let strategy, let parsed = PlanStrategy(caseInsensitive: strategy.rawValue) { parent.strategy = parsed }
            let start = ContinuousClock.now
            let plan = try PlanContract.plan(parent, on: books, orderFile: order, snapshotFile: snapshot)
            let elapsed = ContinuousClock.now - start
            let microseconds = Double(elapsed.nanoseconds) / 1e3
            print(PlanContract.encode(plan, computeMicroseconds: microseconds))
        } catch {
            throw CommandFailure(error.description)
        }
    }
}

extension PlanCommand {
    /// `--live`: the router's preview of the order, printed.
    func runLive() async throws {
        guard orderArguments.count == 3 else {
            throw ValidationError("--live takes SYMBOL SIDE QUANTITY, e.g. plan --live ACME buy 300 --limit 10.10")
        }
        let client = try server.client()
        try await runClient {
            let body = APIViews.OrderRequestBody(
                symbol: orderArguments[0], side: orderArguments[1], quantity: orderArguments[2],
                limitPrice: limitPrice, timeInForce: timeInForce.rawValue, strategy: strategy?.rawValue,
                includeVenues: include.map(SubmitCommand.list), excludeVenues: exclude.map(SubmitCommand.list),
                allowTransfers: allowTransfers ? true : nil)
            let preview = try await client.call(.POST, "/v1/plans", body: body, as: APIViews.PlanPreviewView.self)
            if json {
                printEncoded(preview)
            } else {
                print(Self.text(preview))
            }
            if preview.status == "rejected" { throw ExitCode(1) }
        }
    }

    /// The preview as a person reads it: what the order would be, the plan, what is left out.
    static func text(_ preview: APIViews.PlanPreviewView) -> String {
        var lines = ["\(preview.side) \(preview.quantity) \(preview.symbol): would be \(preview.status)"]
        if let rejection = preview.rejection { lines.append("  refused: \(rejection.code) — \(rejection.message)") }
        if let note = preview.note { lines.append("  note: \(note)") }
        if let decision = preview.decision {
            lines.append("  plan: \(decision.plannedQuantity) planned, all-in \(decision.allInCost)")
            for allocation in decision.allocations {
                lines.append(
                    "    \(allocation.venue) \(allocation.quantity) at \(allocation.averagePrice) (limit \(allocation.childLimitPrice), fees \(allocation.fees))"
                )
            }
            for (venue, reason) in decision.excluded.sorted(by: { $0.key < $1.key }) {
                lines.append("    left out \(venue): \(reason)")
            }
            for (venue, level) in (decision.unreachable ?? [:]).sorted(by: { $0.key < $1.key }) {
                lines.append(
                    "    out of reach \(venue): \(level.quantity) at \(level.price) (\(level.code))"
                        + (level.unlock.map { "; \($0)" } ?? ""))
            }
        }
        for child in preview.children where child.refusal != nil {
            lines.append("    \(child.venue) refused: \(child.refusal!.code) — \(child.refusal!.message)")
        }
        if let transfer = preview.transfer {
            let what =
                transfer.conversion.map {
                    "a conversion at \($0.venue) of \($0.amount) \($0.from) at \($0.fromLocation) into \($0.to)"
                }
                ?? transfer.moves.map { "a transfer of \($0.quantity) from \($0.from) to \($0.to)" }.joined(
                    separator: ", ")
            lines.append(
                "  would wait for \(what), to trade at \(transfer.venue); fee \(transfer.fee), \(transfer.minutes) min")
        }
        return lines.joined(separator: "\n")
    }
}

/// A failure printed as one line on stderr with exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
