import ArgumentParser
import ATSDomain

/// The `ats-router` command tree. The executable's `main` only runs it.
public struct RouterCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ats-router",
        abstract: "Route orders for tokenized securities across alternative trading systems.",
        discussion: """
            ATS Router keeps one consolidated book over Texture, tZERO, Openfinance, Archax and \
            Securitize Markets and splits each order across them at the best all-in price.

            Today: the matching engine every venue runs, the five venues with their rules (venues) \
            and their mock servers (venue serve), the consolidated book over them (book), the exact \
            planner (plan) and the router that splits, sends, re-routes and rests orders (demo shows \
            all of it). The HTTP API, the journal, settlement and reports are coming.
            """,
        version: "\(ATSRouterRelease.name) \(ATSRouterRelease.version)",
        subcommands: [DemoCommand.self, BookCommand.self, PlanCommand.self, VenuesCommand.self, VenueCommand.self]
    )

    public init() {}
}
