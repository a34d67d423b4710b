import ATSPlanning
import ATSVenues
import ArgumentParser
import Foundation

/// `ats-router plan --snapshot FILE --order FILE`: one allocation, offline.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Split one order across venues from a snapshot of their books, offline.",
        discussion: """
            Reads a consolidated snapshot and a parent order (JSON, numbers as decimal strings),
            prints the allocation as JSON on stdout and exits 0. Touches no network and no database.
            The answer is optimal: the largest fill, then the lowest all-in cost (highest net
            proceeds for a sell). The order may name a `strategy` (cost, best-single, pro-rata) and
            `includeVenues`/`excludeVenues`. Format: docs/routing.md, "The plan contract".
            """
    )

    @Option(help: "The snapshot file: {symbol, venues: [{venue, lotSize, minQuantity, …, bids, asks}]}.")
    var snapshot: String

    @Option(help: "The order file: {side, quantity, limitPrice?}.")
    var order: String

    @Option(help: "Override the order's strategy.")
    var strategy: StrategyChoice?

    func run() throws {
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

/// A failure printed as one line on stderr with exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
