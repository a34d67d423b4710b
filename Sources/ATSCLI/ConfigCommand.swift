import ATSDefaults
import ATSVenues
import ArgumentParser
import Foundation

/// `ats-router config init DIR` and `config show`: the configuration files, to edit and to check.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Write out the built-in configuration to edit, or show which configuration is in use.",
        subcommands: [Init.self, Show.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write the built-in config.json and venues/*.json into a folder, to edit.",
            discussion: """
                Run the router from that folder, or point at it with --config DIR/config.json and \
                --venues DIR/venues (or ATS_ROUTER_CONFIG and ATS_ROUTER_VENUES). Files already \
                there are never written over without --force.
                """)

        @Argument(help: ArgumentHelp("The folder (created if missing).", valueName: "dir")) var directory: String
        @Flag(help: "Write over files that are already there.") var force = false

        func run() throws {
            do {
                for path in try BundledDefaults.write(to: directory, overwrite: force) { print("wrote \(path)") }
            } catch let error as BundledDefaults.AlreadyThere {
                throw ValidationError(error.description)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract:
                "Say which config.json, venues, data folder and journal a command run here would use, and check them.")

        @OptionGroup var options: RouterOptions
        @Option(help: ArgumentHelp("The data folder (default: ATS_ROUTER_DATA_DIR, else ./data).", valueName: "dir"))
        var dataDir: String?
        @Option(
            help: ArgumentHelp(
                "The PostgreSQL journal's URL (default: ATS_ROUTER_DATABASE_URL, else SQLite in the data folder).",
                valueName: "url"))
        var databaseURL: String?

        func run() throws {
            let sources = options.sources(dataDirectory: dataDir, databaseURL: databaseURL)
            for line in sources.summaryWithData { print(line) }
            let (catalog, configuration) = try options.load(sources)
            print(
                "valid: \(catalog.venues.count) venues, \(configuration.securities.count) securities, \(configuration.accounts.count) accounts"
            )
        }
    }
}
