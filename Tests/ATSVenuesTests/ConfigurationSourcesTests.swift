import ATSDefaults
import Foundation
import Testing

@testable import ATSVenues

/// The binary runs from any folder: its defaults are the repository's files, embedded; each
/// source is taken from its flag, else its environment variable, else the working directory, else
/// the defaults; and `config init` writes the defaults out.
@Suite struct ConfigurationSourcesTests {
    @Test func theEmbeddedDefaultsAreTheRepositorysFiles() throws {
        let venues = try FileManager.default.contentsOfDirectory(atPath: Repository.venuesDirectory)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(BundledDefaults.venues.map(\.path) == venues.map { "venues/\($0)" })
        for file in BundledDefaults.all {
            let onDisk = try String(
                contentsOf: Repository.root.appendingPathComponent(file.path), encoding: .utf8)
            #expect(file.text == onDisk, "\(file.path) differs from the embedded copy: run scripts/embed-defaults")
        }
        let catalog = try VenueCatalog.bundled()
        #expect(catalog.venues == (try Repository.catalog()).venues)
        #expect(try RouterConfiguration.bundled(venues: catalog) == (try Repository.configuration()))
    }

    @Test func eachSourceIsTheFirstOfFlagEnvironmentWorkingDirectoryAndDefaults() {
        let variables = [
            ConfigurationSources.configVariable, ConfigurationSources.venuesVariable,
            ConfigurationSources.dataDirectoryVariable,
        ]
        // Every combination of flag given, variable set (or set empty) and local file present.
        for mask in 0..<(1 << 9) {
            let flag = (0..<3).map { mask >> $0 & 1 == 1 ? "/flag/\($0)" : nil }
            var environment: [String: String] = [:]
            for (i, variable) in variables.enumerated() where mask >> (3 + i) & 1 == 1 {
                environment[variable] = i == 2 && mask & 1 == 1 ? "" : "/env/\(i)"
            }
            let local = (0..<3).map { mask >> (6 + $0) & 1 == 1 }
            let sources = ConfigurationSources.resolve(
                config: flag[0], venues: flag[1], dataDirectory: flag[2], environment: environment,
                fileExists: { ["config.json": local[0], "venues": local[1], "data": local[2]][$0] ?? false })
            for (i, (source, name)) in [
                (sources.config, "config.json"), (sources.venues, "venues"), (sources.dataDirectory, "data"),
            ].enumerated() {
                let variable = environment[variables[i]].flatMap { $0.isEmpty ? nil : $0 }
                let expected: ConfigurationSources.Source =
                    if let given = flag[i] {
                        .init(path: given, origin: .flag)
                    } else if let variable {
                        .init(path: variable, origin: .environment)
                    } else if local[i] || i == 2 {
                        .init(path: name, origin: .workingDirectory)  // data: ./data, made if missing
                    } else {
                        .init(path: nil, origin: .bundled)
                    }
                #expect(source == expected, "mask \(mask), \(name)")
            }
        }
    }

    @Test func configInitWritesTheDefaultsOutAndNeverOverAFile() throws {
        let folder = try TemporaryDirectory()
        let written = try BundledDefaults.write(to: folder.path)
        #expect(written.count == BundledDefaults.all.count)
        let sources = ConfigurationSources.resolve(
            config: folder.path + "/config.json", venues: folder.path + "/venues", environment: [:])
        let (catalog, configuration) = try sources.load()
        #expect(catalog.venues == (try VenueCatalog.bundled()).venues)
        #expect(configuration == (try RouterConfiguration.bundled(venues: catalog)))
        // A second time: refused, naming what is there, and nothing written over.
        try "{}".write(toFile: folder.path + "/config.json", atomically: true, encoding: .utf8)
        #expect(throws: BundledDefaults.AlreadyThere.self) { try BundledDefaults.write(to: folder.path) }
        #expect(try String(contentsOfFile: folder.path + "/config.json", encoding: .utf8) == "{}")
        _ = try BundledDefaults.write(to: folder.path, overwrite: true)
        #expect(
            try String(contentsOfFile: folder.path + "/config.json", encoding: .utf8) == BundledDefaults.config.text)
    }

    @Test func aNamedFileThatIsNotThereIsAnErrorNotTheDefaults() {
        let sources = ConfigurationSources.resolve(
            config: "/nowhere/config.json", environment: [:], fileExists: { _ in true })
        #expect(throws: ConfigurationError.self) { try sources.load() }
        let fromEnvironment = ConfigurationSources.resolve(
            environment: [ConfigurationSources.venuesVariable: "/nowhere/venues"])
        #expect(throws: ConfigurationError.self) { try fromEnvironment.catalog() }
    }

    /// The journal is on PostgreSQL when `--database-url` or else `ATS_ROUTER_DATABASE_URL` names
    /// one, SQLite in the data folder otherwise; what is printed leaves the password out.
    @Test func theDatabaseIsTheFlagsElseTheEnvironmentsElseSQLite() {
        let variable = ConfigurationSources.databaseVariable
        let url = "postgresql://router:hunter2@db:5432/ats"
        let flagged = ConfigurationSources.resolve(
            databaseURL: "postgresql://router@flag/ats", environment: [variable: url])
        #expect(flagged.database == .init(url: "postgresql://router@flag/ats", origin: .flag))
        let fromEnvironment = ConfigurationSources.resolve(environment: [variable: url])
        #expect(fromEnvironment.database?.url == url && fromEnvironment.database?.origin == .environment)
        #expect(
            fromEnvironment.summaryWithData.last
                == "journal: PostgreSQL postgresql://router@db:5432/ats (from the environment)")
        #expect(!fromEnvironment.summaryWithData.joined().contains("hunter2"))
        let neither = ConfigurationSources.resolve(environment: [variable: ""])
        #expect(neither.database == nil)
        #expect(neither.summaryWithData.last == "journal: SQLite in the data folder")
    }
}
