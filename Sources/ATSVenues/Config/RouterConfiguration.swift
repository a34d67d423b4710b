import ATSDefaults
import ATSDomain
import Foundation

/// `config.json`: the securities master and the investor accounts, with the venues they refer to.
public struct RouterConfiguration: Sendable, Hashable, Codable {
    public var version: Int
    public var securities: [Security]
    public var accounts: [Account]
    /// Who keeps the investors' identity records and works the compliance queue: their keys
    /// reach `/v1/investors` and `/v1/compliance`, and trade for no account.
    public var complianceOfficers: [ComplianceOfficer]?
    /// Polling, staleness, timeouts, health and venue endpoints; defaults when absent.
    public var routing: RoutingSettings?
    /// The simulated settlement world (counterparties, bridges, custodians); defaults when absent.
    public var settlement: SettlementSettings?
    /// A JSON file of the secrets of venues served elsewhere (relative to this file's folder),
    /// readable by its owner only; see ``VenueSecrets``.
    public var secretsFile: String?
    /// The sanctions list and the monitoring rules (``ComplianceSettings``); defaults when absent.
    public var compliance: ComplianceSettings?
    /// The FIX gateway's sessions (``FIXSettings``); none when absent.
    public var fix: FIXSettings?

    /// The routing settings, defaults filled in.
    public var routingSettings: RoutingSettings { routing ?? RoutingSettings() }

    /// The settlement settings, defaults filled in.
    public var settlementSettings: SettlementSettings { settlement ?? SettlementSettings() }

    /// Loads `config.json` and checks it against the venue catalog.
    public static func load(from path: String, venues: VenueCatalog) throws(ConfigurationError) -> RouterConfiguration {
        try load(try readConfigurationFile(path), file: path, venues: venues)
    }

    /// The configuration shipped inside the binary (``BundledDefaults``), as `bundled:config.json`.
    public static func bundled(venues: VenueCatalog) throws(ConfigurationError) -> RouterConfiguration {
        try load(Data(BundledDefaults.config.text.utf8), file: "bundled:config.json", venues: venues)
    }

    /// Decodes `data` (named `file` in errors) and checks it against the venue catalog.
    public static func load(_ data: Data, file: String, venues: VenueCatalog) throws(ConfigurationError)
        -> RouterConfiguration
    {
        let configuration = try decodeConfiguration(RouterConfiguration.self, from: data, file: file)
        try configuration.validate(file: file, venues: venues)
        return configuration
    }

    public func security(_ symbol: Symbol) -> Security? { securities.first { $0.symbol == symbol } }
    public func account(_ id: AccountID) -> Account? { accounts.first { $0.id == id } }

    /// How many accounts hold some of `symbol` now.
    public func holderCount(of symbol: Symbol) -> Int { accounts.filter { $0.holding(of: symbol).isPositive }.count }

    /// Checks what decoding cannot: unique ids, known countries and venues, consistent rules.
    public func validate(file: String, venues: VenueCatalog) throws(ConfigurationError) {
        func fail(_ key: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(file: file, key: key, reason: reason)
        }
        guard version == 1 else { throw fail("version", "is \(version); this build reads version 1") }
        var symbols = Set<Symbol>()
        for (i, security) in securities.enumerated() {
            let key = "securities[\(i)]"
            guard symbols.insert(security.symbol).inserted else {
                throw fail("\(key).symbol", "\(security.symbol) appears twice")
            }
            for (j, country) in security.transferRules.restrictedCountries.enumerated() where !isCountryCode(country) {
                throw fail(
                    "\(key).transferRules.restrictedCountries[\(j)]", "\"\(country)\" is not an ISO 3166 alpha-2 code")
            }
            if security.exemption == .regS {
                guard let category = security.regulationSCategory, (1...3).contains(category) else {
                    throw fail("\(key).regulationSCategory", "a Reg S security needs its category, 1, 2 or 3")
                }
            } else if security.regulationSCategory != nil {
                throw fail("\(key).regulationSCategory", "only Reg S securities have a category")
            }
            let rules = security.transferRules
            if let minimum = rules.minimumHolding, let maximum = rules.maximumHolding, minimum > maximum {
                throw fail("\(key).transferRules.minimumHolding", "\(minimum) exceeds the maximum holding \(maximum)")
            }
            if let holders = rules.maximumHolders, holders < 1 {
                throw fail("\(key).transferRules.maximumHolders", "must be at least 1")
            }
            if security.exemption == .fund3c7 && !rules.qualifiedPurchaserOnly {
                throw fail(
                    "\(key).transferRules.qualifiedPurchaserOnly", "a 3(c)(7) fund admits qualified purchasers only")
            }
        }
        var ids = Set<AccountID>()
        var keys = Set<APIKeyDigest>()
        for (i, account) in accounts.enumerated() {
            let key = "accounts[\(i)]"
            guard ids.insert(account.id).inserted else { throw fail("\(key).id", "\(account.id) appears twice") }
            guard isCountryCode(account.country) else {
                throw fail("\(key).country", "\"\(account.country)\" is not an ISO 3166 alpha-2 code")
            }
            if account.country == "US" && !account.usPerson {
                throw fail("\(key).usPerson", "a US resident is a US person")
            }
            for venue in account.kyc.keys.sorted() where venues.venue(try? VenueID(venue)) == nil {
                throw fail("\(key).kyc.\(venue)", "no venue \"\(venue)\" is defined in the venues directory")
            }
            for (j, holding) in account.holdings.enumerated() where security(holding.symbol) == nil {
                throw fail("\(key).holdings[\(j)].symbol", "\(holding.symbol) is not in the securities master")
            }
            if let custody = account.custody {
                guard case .custodian(let id) = custody else {
                    throw fail(
                        "\(key).custody",
                        "is \(custody); give a custodian (custodian:<venue>), or leave it out for self-custody wallets")
                }
                guard let venue = venues.venue(id), venue.settlement.model == .custodialBookEntry else {
                    throw fail("\(key).custody", "\(id) is not a venue with a custodian (custodial book entry)")
                }
            }
            for (j, cash) in (account.cash ?? []).enumerated() {
                guard cash.asset.isKept(at: cash.location) else {
                    throw fail(
                        "\(key).cash[\(j)].location",
                        "\(cash.asset.rawValue) is not kept at \(cash.location) (dollars: bank or custodian:<venue>; USDC: wallet:<chain>)"
                    )
                }
                if case .custodian(let id) = cash.location, venues.venue(id)?.settlement.model != .custodialBookEntry {
                    throw fail("\(key).cash[\(j)].location", "\(id) is not a venue with a custodian")
                }
                guard !cash.amount.isNegative else { throw fail("\(key).cash[\(j)].amount", "must not be negative") }
            }
            for (j, digest) in (account.apiKeys ?? []).enumerated() where !keys.insert(digest).inserted {
                throw fail("\(key).apiKeys[\(j)]", "is the digest of a key another entry already has")
            }
        }
        for (i, officer) in (complianceOfficers ?? []).enumerated() {
            let key = "complianceOfficers[\(i)]"
            guard !officer.id.isEmpty, officer.id.count <= 64,
                officer.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else { throw fail("\(key).id", "must be 1 to 64 letters, digits, - or _") }
            guard (try? AccountID(officer.id)).flatMap(account) == nil,
                !(complianceOfficers ?? []).prefix(i).contains(where: { $0.id == officer.id })
            else { throw fail("\(key).id", "\(officer.id) is already an account or another officer") }
            for (j, digest) in officer.apiKeys.enumerated() where !keys.insert(digest).inserted {
                throw fail("\(key).apiKeys[\(j)]", "is the digest of a key another entry already has")
            }
        }
        var pairs = Set<String>()
        for (i, session) in (fix?.sessions ?? []).enumerated() {
            try session.validate(key: "fix.sessions[\(i)]", file: file, accounts: ids)
            guard pairs.insert("\(session.senderCompID)-\(session.targetCompID)").inserted else {
                throw fail(
                    "fix.sessions[\(i)].targetCompID",
                    "the pair \(session.senderCompID)-\(session.targetCompID) appears twice")
            }
        }
        for (name, endpoint) in (routing?.venues ?? [:]).sorted(by: { $0.key < $1.key }) {
            let key = "routing.venues.\(name)"
            guard venues.venue(try? VenueID(name)) != nil else {
                throw fail(key, "no venue \"\(name)\" is defined in the venues directory")
            }
            guard endpoint.url.hasPrefix("http://") || endpoint.url.hasPrefix("https://"), endpoint.url.count > 8 else {
                throw fail("\(key).url", "\"\(endpoint.url)\" is not an http:// or https:// URL")
            }

        }
        for venue in venues.venues {
            for (i, listing) in venue.listings.enumerated() where security(listing.symbol) == nil {
                throw ConfigurationError(
                    file: venues.file(of: venue.id), key: "listings[\(i)].symbol",
                    reason: "\(listing.symbol) is not in the securities master (\(file))")
            }
        }
    }
}

func isCountryCode(_ text: String) -> Bool {
    text.utf8.count == 2 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
}

/// A compliance officer: keeps investors' identity records and works the alert queue.
public struct ComplianceOfficer: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The digests of the officer's API keys.
    public var apiKeys: [APIKeyDigest]

    public init(id: String, name: String, apiKeys: [APIKeyDigest]) {
        self.id = id
        self.name = name
        self.apiKeys = apiKeys
    }
}
