import ATSDomain
import ATSRouter
import ATSVenueMocks
import ATSVenues
import ArgumentParser

/// Options of commands that run the router: the venue definitions and `config.json`.
struct RouterOptions: ParsableArguments {
    @OptionGroup var venues: VenueDirectoryOptions
    @Option(
        help: ArgumentHelp(
            "The router's configuration: securities, accounts, routing settings (default: ATS_ROUTER_CONFIG, else ./config.json, else the built-in one).",
            valueName: "file"))
    var config: String?

    /// Where the configuration comes from: flag, environment, working directory, built in.
    var sources: ConfigurationSources { .resolve(config: config, venues: venues.directory) }

    func load() throws -> (VenueCatalog, RouterConfiguration) {
        do {
            return try sources.load()
        } catch {
            throw ValidationError(error.description)
        }
    }
}
