import ATSDomain
import Foundation
import Testing

@testable import ATSVenues

@Suite("Venue definitions, securities and accounts")
struct VenueCatalogTests {
    /// Every shipped venue carries the disclosures the router relies on, each with a source.
    @Test func everyVenueDisclosesHowItWorksWithSources() throws {
        for venue in try Repository.catalog().venues {
            let d = try #require(venue.disclosures, "\(venue.id)")
            #expect(
                ![d.filing, d.orderTypes, d.priority, d.fees, d.segmentation, d.access].contains(""), "\(venue.id)")
            #expect(!d.sources.isEmpty, "\(venue.id)")
            // Regulation ATS applies to the US venues only.
            #expect(d.fairAccessApplies == (venue.jurisdiction == "US"), "\(venue.id)")
        }
    }

    @Test("the repository's seven venues load, each with its own dialect and its assumptions marked")
    func loadsRepositoryVenues() throws {
        let catalog = try Repository.catalog()
        #expect(
            catalog.venues.map(\.id.rawValue) == [
                "archax", "inx", "openfinance", "rialto", "securitize", "texture", "tzero",
            ])
        #expect(Set(catalog.venues.map(\.dialect)).count == 7)
        for venue in catalog.venues {
            #expect(!venue.assumptions.isEmpty, "\(venue.id) marks no assumption")
            #expect(!venue.sources.isEmpty, "\(venue.id) cites no source")
        }
        let texture = try #require(catalog.venue(try VenueID("texture")))
        #expect(texture.matching.model == .callAuction)
        // Rialto settles each listing on the chain its issuer chose; INX in its own custody.
        let rialto = try #require(catalog.venue(try VenueID("rialto")))
        #expect(rialto.tokenLocation(try Symbol("VINE")) == .wallet(chain: "polygon"))
        #expect(rialto.tokenLocation(try Symbol("SOLR")) == .wallet(chain: "avalanche"))
        #expect(rialto.tokenLocation(try Symbol("ACME")) == .wallet(chain: "ethereum"))
        let inx = try #require(catalog.venue(try VenueID("inx")))
        #expect(inx.tokenLocation(try Symbol("ACME")) == .custodian(inx.id))
        #expect(inx.rateLimit.requestsPerMinute == 100)
        let tzero = try #require(catalog.venue(try VenueID("tzero")))
        #expect(tzero.sessions.map(\.name) == ["PRE", "CORE", "POST"])
        #expect(tzero.timeInForce == [.day, .gtc, .gtd])
        let openfinance = try #require(catalog.venue(try VenueID("openfinance")))
        #expect(openfinance.fees.buyerBps == (try BasisPoints("250")))
        #expect(openfinance.fees.sellerBps == (try BasisPoints("150")))
    }

    @Test("the securities master: six or more securities, some on several venues, some on one")
    func securitiesMaster() throws {
        let configuration = try Repository.configuration()
        let catalog = try Repository.catalog()
        #expect(configuration.securities.count >= 6)
        let venueCounts = configuration.securities.map { catalog.venues(listing: $0.symbol).count }
        #expect(venueCounts.filter { $0 >= 2 }.count >= 3)
        #expect(venueCounts.contains(1))
        #expect(!venueCounts.contains(0))
        let exemptions = Set(configuration.securities.map(\.exemption))
        #expect(exemptions == Set(Security.Exemption.allCases))
    }

    @Test("holding periods follow the exemption")
    func holdingPeriods() throws {
        let configuration = try Repository.configuration()
        func period(_ symbol: String) throws -> HoldingPeriod {
            try #require(configuration.security(try Symbol(symbol))).holdingPeriod
        }
        #expect(try period("ACME") == .months(12))  // Reg D, non-reporting issuer
        #expect(try period("CFX") == .months(12))  // Reg CF
        #expect(try period("SPCE") == .months(12))  // Reg S category 3
        #expect(try period("GILT") == HoldingPeriod.none)  // Reg S category 1
        #expect(try period("BLDG") == HoldingPeriod.none)  // Reg A Tier 2
        var reporting = try #require(configuration.security(try Symbol("ACME")))
        reporting.issuerIsReporting = true
        #expect(reporting.holdingPeriod == .months(6))
        reporting.exemption = .regS
        reporting.regulationSCategory = 2
        #expect(reporting.holdingPeriod == .days(40))
        #expect(HoldingPeriod.months(6).firstResaleDate(acquiredOn: date("2026-08-31")) == date("2027-02-28"))
        #expect(HoldingPeriod.months(12).firstResaleDate(acquiredOn: date("2024-02-29")) == date("2025-02-28"))
        #expect(HoldingPeriod.days(40).firstResaleDate(acquiredOn: date("2026-11-22")) == date("2027-01-01"))
    }

    @Test("calendar dates parse strictly and count days exactly")
    func calendarDates() {
        #expect(CalendarDate("2026-11-22")?.daysSinceEpoch == 20_779)
        #expect(CalendarDate(daysSinceEpoch: 20_779) == date("2026-11-22"))
        #expect(date("2026-11-22").start == Timestamp(secondsSinceEpoch: 1_795_305_600))
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2026-1-05") == nil)
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate(utc("2026-11-22T23:59")) == date("2026-11-22"))
        #expect(CalendarDate(Timestamp(nanosecondsSinceEpoch: -1)) == date("1969-12-31"))
    }

    @Test("tZERO's sessions are PRE, CORE and POST in US/Eastern, across daylight saving")
    func tzeroSessions() throws {
        let tzero = try #require(try Repository.catalog().venue(try VenueID("tzero")))
        // Monday 2026-11-23, Eastern Standard Time (UTC−5)
        #expect(tzero.session(at: utc("2026-11-23T11:59"))?.name == nil)  // 06:59 local
        #expect(tzero.session(at: utc("2026-11-23T12:00"))?.name == "PRE")  // 07:00
        #expect(tzero.session(at: utc("2026-11-23T14:30"))?.name == "CORE")  // 09:30
        #expect(tzero.session(at: utc("2026-11-23T21:00"))?.name == "POST")  // 16:00
        #expect(tzero.session(at: utc("2026-11-24T01:00"))?.name == nil)  // 20:00
        // Monday 2026-07-13, Eastern Daylight Time (UTC−4)
        #expect(tzero.session(at: utc("2026-07-13T13:30"))?.name == "CORE")  // 09:30
        #expect(tzero.session(at: utc("2026-07-13T11:00"))?.name == "PRE")  // 07:00
        // Saturday
        #expect(tzero.session(at: utc("2026-11-21T15:00")) == nil)
    }

    @Test("Texture's auctions run every 15 minutes in its session; 24/7 venues never close")
    func auctionsAndAlwaysOpen() throws {
        let catalog = try Repository.catalog()
        let texture = try #require(catalog.venue(try VenueID("texture")))
        #expect(texture.isAuctionMinute(utc("2026-11-23T14:45")))  // 09:45 ET
        #expect(texture.isAuctionMinute(utc("2026-11-23T15:00")))  // 10:00
        #expect(!texture.isAuctionMinute(utc("2026-11-23T15:05")))
        #expect(texture.isAuctionMinute(utc("2026-11-23T21:00")))  // 16:00, the last
        #expect(!texture.isAuctionMinute(utc("2026-11-23T21:15")))
        #expect(!texture.isAuctionMinute(utc("2026-11-22T15:00")))  // Sunday
        let archax = try #require(catalog.venue(try VenueID("archax")))
        #expect(archax.session(at: utc("2026-11-22T03:00"))?.name == "OPEN")
    }

    // MARK: Malformed and inconsistent files

    private func venueText(_ id: String = "tzero") throws -> String {
        try String(contentsOfFile: Repository.venuesDirectory + "/\(id).json", encoding: .utf8)
    }

    private func loadError(_ files: [String: String]) throws -> ConfigurationError? {
        let directory = try TemporaryDirectory()
        for (name, text) in files { try directory.write(name, text) }
        do {
            _ = try VenueCatalog.load(directory: directory.path)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "a broken venue file fails with the file, the key and the reason",
        arguments: [
            ("\"tickSize\": \"0.01\"", "\"tickSize\": \"0.01x\"", "listings[0].tickSize", "not a plain decimal"),
            ("\"tickSize\": \"0.01\"", "\"tickSize\": 0.01", "listings[0].tickSize", "decimal string"),
            ("\"tickSize\": \"0.01\"", "\"tickSize\": \"0\"", "listings[0].tickSize", "positive"),
            ("\"lotSize\": \"1\"", "\"lotSiz\": \"1\"", "listings[0].lotSize", "missing"),
            ("\"timeZone\": \"America/New_York\"", "\"timeZone\": \"Mars/Olympus\"", "timeZone", "time zone"),
            ("\"start\": \"07:00\"", "\"start\": \"7am\"", "sessions[0].start", "time of day"),
            ("\"start\": \"07:00\"", "\"start\": \"10:00\"", "sessions[0].end", "not after"),
            ("\"model\": \"continuous\"", "\"model\": \"call_auction\"", "matching.auction", "schedule"),
            ("\"model\": \"custodial_book_entry\"", "\"model\": \"four_step\"", "settlement.deadlineHours", "deadline"),
            (
                "\"referencePrice\": \"10.02\"", "\"referencePrice\": \"10.025\"", "listings[0].referencePrice",
                "tick grid"
            ),
            ("\"minimumQuantity\": \"1\"", "\"minimumQuantity\": \"0.5\"", "listings[0].minimumQuantity", "lot size"),
            ("\"id\": \"tzero\"", "\"id\": \"tzero2\"", "id", "file is named"),
            (
                "\"requestsPerSecond\": 20", "\"requestsPerSecond\": \"fast\"", "rateLimit.requestsPerSecond",
                "wrong type"
            ),
            ("\"orderTypes\": [\n    \"limit\"\n  ]", "\"orderTypes\": [\"iceberg\"]", "orderTypes[0]", "iceberg"),
            // The per-minute limit, the venue-token discount and a listing's chain (INX, Rialto).
            (
                "\"burst\": 40", "\"burst\": 40, \"requestsPerMinute\": 0", "rateLimit.requestsPerMinute",
                "at least 1"
            ),
            (
                "\"fixedPerOrder\": \"0\"",
                "\"fixedPerOrder\": \"0\", \"paidInVenueToken\": {\"token\": \"T\", \"discountPercent\": \"100\"}",
                "fees.paidInVenueToken.discountPercent", "below 100"
            ),
            (
                "\"referencePrice\": \"10.02\"", "\"referencePrice\": \"10.02\", \"chain\": \"\"", "listings[0].chain",
                "empty"
            ),
            // A primary offering's terms.
            (
                "\"maximumInvestment\": \"250000\"", "\"maximumInvestment\": \"10\"", "offerings[0].maximumInvestment",
                "minimum"
            ),
            ("\"closesOn\": \"2027-01-29\"", "\"closesOn\": \"2027-02-30\"", "offerings[0].closesOn", "2027-02-30"),
        ])
    func brokenVenueFile(original: String, replacement: String, key: String, reason: String) throws {
        let text = try venueText()
        #expect(text.contains(original), "the fixture no longer contains \(original)")
        let error = try #require(
            try loadError(["tzero.json": text.replacingOccurrences(of: original, with: replacement)]))
        #expect(error.file.hasSuffix("tzero.json"))
        #expect(error.key == key)
        #expect(error.reason.contains(reason), "\(error)")
    }

    @Test("a file that is not JSON, an empty directory and a shared dialect are refused")
    func otherBrokenInputs() throws {
        let notJSON = try #require(try loadError(["tzero.json": "{ \"id\": \"tzero\", "]))
        #expect(notJSON.reason.contains("not valid JSON"))
        #expect(try loadError([:])?.reason.contains("no venue definitions") == true)
        let copy = try venueText().replacingOccurrences(of: "\"id\": \"tzero\"", with: "\"id\": \"tzero-b\"")
        let shared = try #require(try loadError(["tzero.json": try venueText(), "tzero-b.json": copy]))
        #expect(shared.key == "dialect")
        let assumption = try venueText().replacingOccurrences(
            of: "\"assumptions\": [", with: "\"assumptions\": [\"colour\",")
        #expect(try loadError(["tzero.json": assumption])?.key == "assumptions[0]")
    }

    @Test(
        "config.json problems name the key: unknown venue in KYC, unknown symbol, bad country, duplicate key, routing settings"
    )
    func brokenConfiguration() throws {
        let catalog = try Repository.catalog()
        let original = try String(contentsOfFile: Repository.configFile, encoding: .utf8)
        let cases: [(String, String, String)] = [
            ("\"texture\": \"approved\"", "\"nasdaq\": \"approved\"", "accounts[0].kyc.nasdaq"),
            ("\"country\": \"GB\"", "\"country\": \"UK1\"", "accounts[2].country"),
            (
                "\"symbol\": \"CFX\",\n          \"quantity\": \"100\"",
                "\"symbol\": \"NOPE\",\n          \"quantity\": \"100\"", "accounts[1].holdings[1].symbol"
            ),
            // bob's key's digest replaced by alice's: two accounts may not share a key.
            (
                "\"sha256:c5d400e9faa7a415534417c44650e1927e483c30434d79d73797338497565233\"",
                "\"sha256:9042cbe4699339573c8a166f7c01c3d97c36183ce3c07b828c5e19c17a4d42e3\"", "accounts[1].apiKeys[0]"
            ),
            // A key itself where its digest belongs.
            (
                "\"sha256:c5d400e9faa7a415534417c44650e1927e483c30434d79d73797338497565233\"",
                "\"ak-bob-2d8e41c06a9b5f37\"", "accounts[1].apiKeys[0]"
            ),
            ("\"acquiredOn\": \"2025-01-15\"", "\"acquiredOn\": \"2025-02-30\"", "accounts[0].holdings[0].acquiredOn"),
            ("\"regulationSCategory\": 3", "\"regulationSCategory\": null", "securities[3].regulationSCategory"),
            (
                "\"pollIntervalMilliseconds\": 200", "\"pollIntervalMilliseconds\": 0",
                "routing.pollIntervalMilliseconds"
            ),
            ("\"bookDepth\": 20", "\"bookDepth\": \"20\"", "routing.bookDepth"),
            ("\"venues\": {}", "\"venues\": {\"nasdaq\": {\"url\": \"http://127.0.0.1:9\"}}", "routing.venues.nasdaq"),
            ("\"venues\": {}", "\"venues\": {\"tzero\": {\"url\": \"ftp://x\"}}", "routing.venues.tzero.url"),
            // A venue's secret is never read from config.json.
            (
                "\"venues\": {}",
                "\"venues\": {\"tzero\": {\"url\": \"http://127.0.0.1:9\", \"keyId\": \"k\", \"secret\": \"s\"}}",
                "routing.venues.tzero.secret"
            ),
        ]
        for (from, to, key) in cases {
            #expect(original.contains(from), "config.json no longer contains \(from)")
            let directory = try TemporaryDirectory()
            try directory.write("config.json", original.replacingOccurrences(of: from, with: to))
            do {
                _ = try RouterConfiguration.load(from: directory.path + "/config.json", venues: catalog)
                Issue.record("\(key): accepted")
            } catch {
                #expect(error.key == key, "\(error)")
                #expect(error.file.hasSuffix("config.json"))
            }
        }
    }
}
