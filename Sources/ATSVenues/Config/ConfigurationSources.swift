import ATSDefaults
import Foundation

/// Where the router's configuration and data come from, so that the binary runs from any folder.
///
/// Each of `config.json`, the venues directory and the data directory is taken from the first of:
/// its flag (`--config`, `--venues`, `--data-dir`), its environment variable (`ATS_ROUTER_CONFIG`,
/// `ATS_ROUTER_VENUES`, `ATS_ROUTER_DATA_DIR`), the working directory (`./config.json`,
/// `./venues/`, `./data`), and — for the configuration and the venues — the defaults shipped
/// inside the binary (``BundledDefaults``). A flag or a variable names a file that must be there;
/// the working directory is used only when the file is.
public struct ConfigurationSources: Sendable, Hashable {
    /// Which rule chose a source.
    public enum Origin: String, Sendable, Hashable {
        case flag
        case environment
        case workingDirectory = "working directory"
        case bundled = "bundled defaults"
    }

    /// One source: a path, or the bundled defaults (`path` nil).
    public struct Source: Sendable, Hashable, CustomStringConvertible {
        public var path: String?
        public var origin: Origin

        public var description: String {
            guard let path else { return "the defaults built into this binary" }
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            switch origin {
            case .flag: return "\(absolute) (from the command line)"
            case .environment: return "\(absolute) (from the environment)"
            case .workingDirectory, .bundled: return "\(absolute) (from the working directory)"
            }
        }
    }

    /// A PostgreSQL journal's URL and which rule chose it.
    public struct Database: Sendable, Hashable, CustomStringConvertible {
        public var url: String
        public var origin: Origin

        /// The URL with any password left out, and where it came from.
        public var description: String {
            var shown = url
            if var components = URLComponents(string: url), components.password != nil {
                components.password = nil
                shown = components.string ?? url
            }
            return "\(shown) (from \(origin == .flag ? "the command line" : "the environment"))"
        }
    }

    public var config: Source
    public var venues: Source
    /// Where the journal lives (`data` in the working directory unless a flag or variable says);
    /// the reports too when the journal is on PostgreSQL.
    public var dataDirectory: Source
    /// The PostgreSQL journal (`--database-url`, else `ATS_ROUTER_DATABASE_URL`); nil: the SQLite
    /// journal in ``dataDirectory``.
    public var database: Database?

    public static let configVariable = "ATS_ROUTER_CONFIG"
    public static let venuesVariable = "ATS_ROUTER_VENUES"
    public static let dataDirectoryVariable = "ATS_ROUTER_DATA_DIR"
    public static let databaseVariable = "ATS_ROUTER_DATABASE_URL"

    /// Resolves each source in order: `flag`, then `environment`, then the working directory,
    /// then the bundled defaults.
    public static func resolve(
        config: String? = nil, venues: String? = nil, dataDirectory: String? = nil, databaseURL: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) -> ConfigurationSources {
        func pick(_ flag: String?, _ variable: String, _ local: String, bundled: Bool) -> Source {
            if let flag { return Source(path: flag, origin: .flag) }
            if let value = environment[variable], !value.isEmpty { return Source(path: value, origin: .environment) }
            if !bundled || fileExists(local) { return Source(path: local, origin: .workingDirectory) }
            return Source(path: nil, origin: .bundled)
        }
        var database: Database?
        if let databaseURL {
            database = Database(url: databaseURL, origin: .flag)
        } else if let value = environment[databaseVariable], !value.isEmpty {
            database = Database(url: value, origin: .environment)
        }
        return ConfigurationSources(
            config: pick(config, configVariable, "config.json", bundled: true),
            venues: pick(venues, venuesVariable, "venues", bundled: true),
            dataDirectory: pick(dataDirectory, dataDirectoryVariable, "data", bundled: false), database: database)
    }

    /// The venue catalog from ``venues``.
    public func catalog() throws(ConfigurationError) -> VenueCatalog {
        guard let path = venues.path else { return try VenueCatalog.bundled() }
        return try VenueCatalog.load(directory: path)
    }

    /// The venue catalog and `config.json`, checked against each other.
    public func load() throws(ConfigurationError) -> (VenueCatalog, RouterConfiguration) {
        let catalog = try catalog()
        guard let path = config.path else { return (catalog, try RouterConfiguration.bundled(venues: catalog)) }
        return (catalog, try RouterConfiguration.load(from: path, venues: catalog))
    }

    /// What `serve` and `demo` log at start: which files they use.
    public var summary: [String] {
        ["configuration: \(config)", "venues: \(venues)"]
    }

    /// ``summary``, the data folder and the journal (`serve`, `config show`; the demo's data is its own).
    public var summaryWithData: [String] {
        summary + [
            "data: \(dataDirectory)", "journal: \(database.map { "PostgreSQL \($0)" } ?? "SQLite in the data folder")",
        ]
    }
}

extension BundledDefaults {
    /// Writes every bundled file under `directory` (`config.json`, `venues/*.json`), creating
    /// folders as needed. Refuses, writing nothing, when any of them is already there, unless
    /// `overwrite`. Returns the paths written.
    public static func write(to directory: String, overwrite: Bool = false) throws -> [String] {
        let targets = all.map { ((directory as NSString).appendingPathComponent($0.path), $0.text) }
        if !overwrite {
            let existing = targets.map(\.0).filter { FileManager.default.fileExists(atPath: $0) }
            guard existing.isEmpty else { throw AlreadyThere(paths: existing) }
        }
        for (path, text) in targets {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return targets.map(\.0)
    }

    /// Files `write(to:)` would have written over.
    public struct AlreadyThere: Error, CustomStringConvertible {
        public var paths: [String]
        public var description: String {
            "\(paths.joined(separator: ", ")) \(paths.count == 1 ? "is" : "are") already there (--force writes over)"
        }
    }
}
