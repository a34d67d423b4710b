import ATSBuildInfo
import ArgumentParser

/// The `ats-router` command tree. The executable's `main` only runs it.
public struct RouterCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ats-router",
        abstract: "Route orders for tokenized securities across alternative trading systems.",
        discussion: """
            ATS Router keeps one consolidated book over Texture, tZERO, Openfinance, Archax and \
            Securitize Markets and splits each order across them at the best all-in price.

            `serve` runs the router with its HTTP API and journal (and the five venue mocks, unless \
            config.json places venues elsewhere); traders use submit, orders, order, cancel, book and \
            venues against it, and follow settlement with settlements, positions and transfer (offline too, \
            on a journal, with --data-dir). `demo` runs a whole session in-process; `plan` is the exact \
            planner on files; `venue serve` runs venue mocks on their own; `report` writes the routing \
            analytics (TCA, venue scorecards, 605/606-style tables) from a journal or a router; \
            `config` writes out or checks the configuration, `keys` makes and revokes API keys.

            Configuration comes from --config/--venues/--data-dir, else ATS_ROUTER_CONFIG, \
            ATS_ROUTER_VENUES, ATS_ROUTER_DATA_DIR, else the working directory, else what is built \
            in. Exit codes: 0 done, 1 refused, 3 router unreachable or failed, 64 usage, 78 \
            configuration. Shell completion: ats-router --generate-completion-script bash|zsh|fish.
            """,
        version: BuildInfo.versionLine,
        subcommands: [
            DemoCommand.self, ServeCommand.self, SubmitCommand.self, OrdersCommand.self, OrderCommand.self,
            CancelCommand.self, AmendCommand.self,
            BookCommand.self, VenuesCommand.self, SettlementsCommand.self, PositionsCommand.self, TransferCommand.self,
            OfferingsCommand.self, SubscribeCommand.self, SubscriptionsCommand.self, ConvertCommand.self,
            InvestorCommand.self,
            ReportCommand.self,
            PlanCommand.self, WatchCommand.self,
            VenueCommand.self, ConfigCommand.self, KeysCommand.self,
        ]
    )

    public init() {}
}
