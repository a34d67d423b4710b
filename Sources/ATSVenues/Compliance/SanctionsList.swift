import ATSDefaults
import Foundation

/// A sanctions list the router screens names and wallet addresses against: a CSV file with the
/// header `kind,value,name,program,listed_on,source`, one entry a line. `kind` is `name` (a person's
/// or entity's name, matched whatever its case, punctuation, spacing or word order) or `wallet` (an
/// address, matched whatever its case). A provider's export (OFAC's SDN list with its digital
/// currency addresses, say) is converted to this shape. The shipped `sanctions.csv` is a sample.
public struct SanctionsList: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable { case name, wallet }
        public var kind: Kind
        public var value: String
        public var name: String
        public var program: String
        public var listedOn: String
        public var source: String

        public init(kind: Kind, value: String, name: String, program: String, listedOn: String, source: String) {
            self.kind = kind
            self.value = value
            self.name = name
            self.program = program
            self.listedOn = listedOn
            self.source = source
        }
    }

    /// A match: the entry, and what of the investor's matched it.
    public struct Hit: Sendable, Hashable, CustomStringConvertible {
        public var entry: Entry
        /// `legal name` or `wallet on <chain>`.
        public var matched: String

        public var description: String {
            "\(matched) matches \(entry.name) on \(entry.program), listed \(entry.listedOn)"
        }
    }

    public let entries: [Entry]
    /// Where it was read from (a path, or `bundled:sanctions.csv`).
    public let origin: String
    private let names: [String: Entry]
    private let wallets: [String: Entry]

    public static let header = ["kind", "value", "name", "program", "listed_on", "source"]

    /// Reads `text` (named `file` in errors); a malformed line is an error naming it and its column.
    public init(_ text: String, file: String) throws(ConfigurationError) {
        var entries: [Entry] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        guard let first = lines.first, Self.fields(first) == Self.header else {
            throw ConfigurationError(
                file: file, key: "line 1", reason: "the header must be \(Self.header.joined(separator: ","))")
        }
        for (index, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = Self.fields(line)
            let key = "line \(index + 1)"
            guard fields.count == Self.header.count else {
                throw ConfigurationError(
                    file: file, key: key, reason: "has \(fields.count) fields, not \(Self.header.count)")
            }
            guard let kind = Entry.Kind(rawValue: fields[0]) else {
                throw ConfigurationError(
                    file: file, key: key + ", kind", reason: "must be name or wallet, not \(fields[0])")
            }
            guard !Self.normalized(fields[1], kind).isEmpty else {
                throw ConfigurationError(file: file, key: key + ", value", reason: "is empty")
            }
            entries.append(
                Entry(
                    kind: kind, value: fields[1], name: fields[2], program: fields[3], listedOn: fields[4],
                    source: fields[5]))
        }
        self.init(entries: entries, origin: file)
    }

    public init(entries: [Entry], origin: String) {
        self.entries = entries
        self.origin = origin
        var names: [String: Entry] = [:]
        var wallets: [String: Entry] = [:]
        for entry in entries {
            switch entry.kind {
            case .name: names[Self.normalized(entry.value, .name)] = entry
            case .wallet: wallets[Self.normalized(entry.value, .wallet)] = entry
            }
        }
        self.names = names
        self.wallets = wallets
    }

    /// The sample shipped inside the binary.
    public static var bundled: SanctionsList {
        (try? SanctionsList(BundledDefaults.sanctions.text, file: "bundled:sanctions.csv"))
            ?? SanctionsList(entries: [], origin: "none")
    }

    /// The list `configuration` names (`compliance.sanctionsList`, relative to `config.json`'s
    /// folder), else the bundled sample.
    public static func load(for configuration: RouterConfiguration, configFile: String?) throws(ConfigurationError)
        -> SanctionsList
    {
        guard let name = configuration.compliance?.sanctionsList else { return .bundled }
        let path =
            name.hasPrefix("/")
            ? name
            : (((configFile ?? "config.json") as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent(name)
        let data = try readConfigurationFile(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, key: "", reason: "is not UTF-8 text")
        }
        return try SanctionsList(text, file: path)
    }

    /// The first entry `name` or one of `wallets` matches.
    public func screen(name: String, wallets: [String: String]) -> Hit? {
        if let entry = names[Self.normalized(name, .name)] { return Hit(entry: entry, matched: "legal name \(name)") }
        for (chain, address) in wallets.sorted(by: { $0.key < $1.key }) {
            if let entry = self.wallets[Self.normalized(address, .wallet)] {
                return Hit(entry: entry, matched: "wallet \(address) on \(chain)")
            }
        }
        return nil
    }

    /// Names: letters and digits only, upper case, words sorted (word order ignored); wallets: lower case.
    static func normalized(_ value: String, _ kind: Entry.Kind) -> String {
        switch kind {
        case .wallet: return value.trimmingCharacters(in: .whitespaces).lowercased()
        case .name:
            return value.uppercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).sorted()
                .joined(separator: " ")
        }
    }

    /// A CSV line's fields (double quotes around a field that holds a comma; `""` is a quote).
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var characters = Array(line)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" {
                        current.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// `config.json`'s `compliance`: the sanctions list and the monitoring rules' thresholds.
public struct ComplianceSettings: Sendable, Hashable, Codable {
    /// The sanctions list (CSV, relative to `config.json`'s folder); the bundled sample when absent.
    public var sanctionsList: String?
    /// Structuring: this many orders or subscriptions within `structuringWindowHours`, each worth
    /// from 90 % of `structuringThreshold` up to just below it, raise an alert.
    public var structuringThreshold: String?
    public var structuringCount: Int?
    public var structuringWindowHours: Int?
    /// Rapid in and out: a buy and a sale of one security by one account within this many minutes.
    public var rapidRoundTripMinutes: Int?

    public init() {}
}
