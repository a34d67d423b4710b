import ATSDefaults
import ATSDomain
import Foundation

/// Every venue defined in a venues directory, loaded and checked.
public struct VenueCatalog: Sendable, Hashable {
    public let directory: String
    public let venues: [VenueDefinition]

    public init(directory: String, venues: [VenueDefinition]) {
        self.directory = directory
        self.venues = venues.sorted { $0.id < $1.id }
    }

    /// The same venues with their published order rate limits lifted: for load benchmarks, where
    /// the published 5 to 20 orders a second would measure pacing.
    public func liftingRateLimits() -> VenueCatalog {
        VenueCatalog(
            directory: directory,
            venues: venues.map { venue in
                var venue = venue
                venue.rateLimit = .init(requestsPerSecond: 1_000_000, burst: 1_000_000)
                return venue
            })
    }

    /// Loads every `*.json` in `directory`.
    /// - Throws: ``ConfigurationError`` naming the file, the key and the reason for the first problem.
    public static func load(directory: String) throws(ConfigurationError) -> VenueCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
                .sorted()
        } catch {
            throw ConfigurationError(
                file: directory, key: "", reason: "cannot list the venues directory: \(error.localizedDescription)")
        }
        guard !names.isEmpty else {
            throw ConfigurationError(file: directory, key: "", reason: "holds no venue definitions (*.json)")
        }
        var files: [(name: String, data: Data)] = []
        for name in names {
            files.append((name, try readConfigurationFile((directory as NSString).appendingPathComponent(name))))
        }
        return try load(files, directory: directory)
    }

    /// The venue definitions shipped inside the binary (``BundledDefaults``), under the directory
    /// name `bundled:venues`.
    public static func bundled() throws(ConfigurationError) -> VenueCatalog {
        try load(
            BundledDefaults.venues.map { (($0.path as NSString).lastPathComponent, Data($0.text.utf8)) },
            directory: "bundled:venues")
    }

    /// Decodes and checks each `name.json` of `files` as the definition of venue `name`.
    static func load(_ files: [(name: String, data: Data)], directory: String) throws(ConfigurationError)
        -> VenueCatalog
    {
        var venues: [VenueDefinition] = []
        for (name, data) in files {
            let file = (directory as NSString).appendingPathComponent(name)
            let venue = try decodeConfiguration(VenueDefinition.self, from: data, file: file)
            try venue.validate(file: file, expectedID: String(name.dropLast(5)))
            venues.append(venue)
        }
        var dialects: [VenueDefinition.Dialect: VenueID] = [:]
        for venue in venues {
            if let other = dialects[venue.dialect] {
                throw ConfigurationError(
                    file: (directory as NSString).appendingPathComponent("\(venue.id).json"), key: "dialect",
                    reason: "\(venue.dialect.rawValue) is already the dialect of \(other)")
            }
            dialects[venue.dialect] = venue.id
        }
        return VenueCatalog(directory: directory, venues: venues)
    }

    public func venue(_ id: VenueID?) -> VenueDefinition? {
        guard let id else { return nil }
        return venues.first { $0.id == id }
    }

    public func file(of id: VenueID) -> String { (directory as NSString).appendingPathComponent("\(id).json") }

    /// The venues that list `symbol`.
    public func venues(listing symbol: Symbol) -> [VenueDefinition] { venues.filter { $0.listing(symbol) != nil } }
}

extension VenueDefinition {
    /// Checks what decoding cannot: the id matches the file, schedules and sessions make sense,
    /// listings are on their own grids, and the simulation can quote them.
    public func validate(file: String, expectedID: String) throws(ConfigurationError) {
        func fail(_ key: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(file: file, key: key, reason: reason)
        }
        guard id.rawValue == expectedID else {
            throw fail("id", "is \"\(id)\" but the file is named \(expectedID).json")
        }
        guard isCountryCode(jurisdiction) else {
            throw fail("jurisdiction", "\"\(jurisdiction)\" is not an ISO 3166 alpha-2 code")
        }
        guard TimeZone(identifier: timeZone) != nil else {
            throw fail("timeZone", "\"\(timeZone)\" is not a known IANA time zone")
        }
        switch (matching.model, matching.auction) {
        case (.callAuction, nil):
            throw fail("matching.auction", "a periodic call auction needs its schedule")
        case (.continuous, .some):
            throw fail("matching.auction", "a continuous venue has no auction schedule")
        case (.callAuction, .some(let schedule)):
            guard schedule.intervalMinutes > 0 else {
                throw fail("matching.auction.intervalMinutes", "must be positive")
            }
            guard schedule.first <= schedule.last else {
                throw fail("matching.auction.first", "is after matching.auction.last")
            }
            guard !sessions.isEmpty else { throw fail("sessions", "a scheduled auction needs the days it runs on") }
        case (.continuous, nil):
            break
        }
        for (i, session) in sessions.enumerated() {
            guard session.start < session.end else {
                throw fail("sessions[\(i)].end", "\(session.end) is not after \(session.start)")
            }
            guard !session.days.isEmpty else { throw fail("sessions[\(i)].days", "is empty") }
        }
        guard !orderTypes.isEmpty else { throw fail("orderTypes", "is empty") }
        guard !timeInForce.isEmpty else { throw fail("timeInForce", "is empty") }
        guard !listings.isEmpty else { throw fail("listings", "is empty") }
        var symbols = Set<Symbol>()
        for (i, listing) in listings.enumerated() {
            let key = "listings[\(i)]"
            guard symbols.insert(listing.symbol).inserted else {
                throw fail("\(key).symbol", "\(listing.symbol) is listed twice")
            }
            guard listing.tickSize.isPositive else { throw fail("\(key).tickSize", "must be positive") }
            guard listing.lotSize.isPositive else { throw fail("\(key).lotSize", "must be positive") }
            guard listing.minimumQuantity.isPositive, listing.minimumQuantity.isMultiple(of: listing.lotSize) else {
                throw fail(
                    "\(key).minimumQuantity",
                    "\(listing.minimumQuantity) must be a positive multiple of the lot size \(listing.lotSize)")
            }
            guard listing.maximumOrderQuantity >= listing.minimumQuantity,
                listing.maximumOrderQuantity.isMultiple(of: listing.lotSize)
            else {
                throw fail(
                    "\(key).maximumOrderQuantity",
                    "\(listing.maximumOrderQuantity) must be a multiple of the lot size and at least the minimum quantity"
                )
            }
            guard !listing.minimumOrderValue.isNegative else {
                throw fail("\(key).minimumOrderValue", "must not be negative")
            }
            guard listing.priceBandPercent.isPositive else { throw fail("\(key).priceBandPercent", "must be positive") }
            guard listing.referencePrice.isPositive, listing.referencePrice.isMultiple(of: listing.tickSize) else {
                throw fail(
                    "\(key).referencePrice",
                    "\(listing.referencePrice) must be positive and on the tick grid \(listing.tickSize)")
            }
            if let chain = listing.chain, chain.isEmpty { throw fail("\(key).chain", "is empty") }
            guard simulation.orderSize.isMultiple(of: listing.lotSize) else {
                throw fail(
                    "simulation.orderSize",
                    "\(simulation.orderSize) is not a multiple of \(listing.symbol)'s lot size \(listing.lotSize)")
            }
        }
        guard !fees.fixedPerOrder.isNegative else { throw fail("fees.fixedPerOrder", "must not be negative") }
        for (name, countries) in [
            ("allowedCountries", eligibility.allowedCountries), ("deniedCountries", eligibility.deniedCountries),
        ] {
            for (i, country) in countries.enumerated() where !isCountryCode(country) {
                throw fail("eligibility.\(name)[\(i)]", "\"\(country)\" is not an ISO 3166 alpha-2 code")
            }
        }
        if settlement.model == .fourStep {
            guard let hours = settlement.deadlineHours, hours > 0 else {
                throw fail("settlement.deadlineHours", "four-step settlement needs a positive deadline")
            }
        }
        guard rateLimit.requestsPerSecond > 0 else { throw fail("rateLimit.requestsPerSecond", "must be positive") }
        guard rateLimit.burst >= 1 else { throw fail("rateLimit.burst", "must be at least 1") }
        if let perMinute = rateLimit.requestsPerMinute, perMinute < 1 {
            throw fail("rateLimit.requestsPerMinute", "must be at least 1")
        }
        if let payment = fees.paidInVenueToken {
            guard payment.discountPercent.isPositive,
                payment.discountPercent < BasisPoints(rawValue: 100 * BasisPoints.unit)
            else { throw fail("fees.paidInVenueToken.discountPercent", "must be above 0 and below 100") }
        }
        guard simulation.depthLevels >= 1 else { throw fail("simulation.depthLevels", "must be at least 1") }
        guard simulation.ordersPerLevel >= 1 else { throw fail("simulation.ordersPerLevel", "must be at least 1") }
        guard simulation.orderSize.isPositive else { throw fail("simulation.orderSize", "must be positive") }
        guard simulation.eventsPerStep >= 0 else { throw fail("simulation.eventsPerStep", "must not be negative") }
        var offeringIDs = Set<String>()
        for (i, offering) in (offerings ?? []).enumerated() {
            let key = "offerings[\(i)]"
            guard !offering.id.isEmpty, offeringIDs.insert(offering.id).inserted else {
                throw fail("\(key).id", "must be present and unique at the venue")
            }
            guard offering.pricePerUnit.isPositive else { throw fail("\(key).pricePerUnit", "must be positive") }
            guard offering.lotSize.isPositive else { throw fail("\(key).lotSize", "must be positive") }
            guard offering.minimumInvestment.isPositive, offering.minimumInvestment <= offering.maximumInvestment
            else {
                throw fail("\(key).maximumInvestment", "must be at least the minimum investment, which is positive")
            }
            guard !offering.minimumRaise.isNegative, offering.minimumRaise <= offering.maximumRaise,
                offering.maximumRaise.isPositive
            else { throw fail("\(key).maximumRaise", "must be positive and at least the minimum raise") }
            guard !offering.chain.isEmpty else { throw fail("\(key).chain", "is empty") }
            for (j, country) in offering.eligibility.allowedCountries.enumerated() where !isCountryCode(country) {
                throw fail(
                    "\(key).eligibility.allowedCountries[\(j)]", "\"\(country)\" is not an ISO 3166 alpha-2 code")
            }
        }
        for (i, pair) in (conversions ?? []).enumerated() {
            guard pair.base != pair.quote else { throw fail("conversions[\(i)].quote", "must differ from base") }
            guard pair.price.isPositive else { throw fail("conversions[\(i)].price", "must be positive") }
            guard !pair.feeBps.isNegative, pair.feeBps < BasisPoints(rawValue: 10_000 * BasisPoints.unit) else {
                throw fail("conversions[\(i)].feeBps", "must be from 0 to below 10000")
            }
        }
        let topLevelKeys: Set<String> = [
            "id", "name", "regulator", "jurisdiction", "matching", "timeZone", "sessions", "orderTypes",
            "timeInForce", "listings", "fees", "eligibility", "settlement", "chain", "dialect",
            "rateLimit", "simulation", "offerings", "conversions",
        ]
        for (i, assumption) in assumptions.enumerated() {
            let head = String(assumption.prefix { $0 != "." && $0 != "[" })
            guard topLevelKeys.contains(head) else {
                throw fail("assumptions[\(i)]", "\"\(assumption)\" names no key of this file")
            }
        }
    }
}
