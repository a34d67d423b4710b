import ATSDomain
import ATSRouter
import ATSVenueMocks
import ATSVenues
import ArgumentParser
import Foundation

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
            throw configurationFailure(error)
        }
    }
}

/// A configuration that does not load (a file, a key, a secret): its message, naming the file and
/// the key, on standard error, and exit 78 (`EX_CONFIG`), without the usage text a mistyped
/// option gets (64).
func configurationFailure(_ error: some Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    return ExitCode(78)
}
