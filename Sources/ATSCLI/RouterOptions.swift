import ATSDomain
import ATSRouter
import ATSVenueMocks
import ATSVenues
import ArgumentParser

/// Options of commands that run the router: the venue definitions and `config.json`.
struct RouterOptions: ParsableArguments {
    @OptionGroup var venues: VenueDirectoryOptions
    @Option(help: "The router's configuration: securities, accounts, routing settings.")
    var config = "config.json"

    func load() throws -> (VenueCatalog, RouterConfiguration) {
        let catalog = try venues.catalog()
        do {
            return (catalog, try RouterConfiguration.load(from: config, venues: catalog))
        } catch {
            throw ValidationError(error.description)
        }
    }
}
