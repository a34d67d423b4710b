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
    var sources: ConfigurationSources { sources(dataDirectory: nil) }

    /// The same, with the data folder the command's `--data-dir` names (or its lookup).
    func sources(dataDirectory: String?, databaseURL: String? = nil) -> ConfigurationSources {
        .resolve(config: config, venues: venues.directory, dataDirectory: dataDirectory, databaseURL: databaseURL)
    }

    /// The venues and `config.json` from `sources` (by default: these options' lookup).
    func load(_ sources: ConfigurationSources? = nil) throws -> (VenueCatalog, RouterConfiguration) {
        do {
            return try (sources ?? self.sources).load()
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
