import ATSDomain
import Testing

@testable import ATSVenues

/// The investor identity record's rules, by hand at each boundary, and the record the
/// configuration declares cross-checked against the configured account over random accounts.
@Suite struct InvestorRecordTests {
    let configuration = try! Repository.configuration()
    var alice: Account { configuration.account(try! AccountID("alice"))! }
    var acme: Security { configuration.security(try! Symbol("ACME"))! }  // Reg D 506(c), accredited only
    var bldg: Security { configuration.security(try! Symbol("BLDG"))! }  // Reg A, anyone

    func verified(_ status: InvestorRecord.KYC.Status, expires: String? = nil) -> InvestorRecord {
        var record = InvestorRecord(declaredBy: alice)
        record.kyc = .init(
            status: status, provider: "Onfido", verifiedOn: date("2025-11-01"), expiresOn: expires.map(date),
            note: status == .revoked ? "identity document reported stolen" : nil)
        return record
    }

    @Test func kycStopsNewOrdersWithItsOwnCodeFromTheDayItExpires() {
        #expect(verified(.approved).kycRefusal(on: date("2026-11-23")) == nil)
        #expect(verified(.approved, expires: "2026-11-24").kycRefusal(on: date("2026-11-23")) == nil)
        #expect(verified(.approved, expires: "2026-11-23").kycRefusal(on: date("2026-11-23"))?.code == .kycExpired)
        #expect(verified(.expired).kycRefusal(on: date("2026-11-23"))?.code == .kycExpired)
        let revoked = verified(.revoked).kycRefusal(on: date("2026-11-23"))
        #expect(revoked?.code == .kycRevoked && revoked?.message.contains("reported stolen") == true)
        #expect(verified(.pending).kycRefusal(on: date("2026-11-23"))?.code == .kycPending)
    }

    @Test func a506cVerificationHoldsForNinetyDaysAndASelfCertificationNever() {
        var record = InvestorRecord(declaredBy: alice)
        // Verified 2026-08-26: 90 days later is 2026-11-24, so it holds through 2026-11-23.
        record.accreditation = .init(method: .income, verifiedOn: date("2026-08-26"), evidence: "2024 and 2025 W-2")
        #expect(record.isAccredited(for: acme, on: date("2026-11-23")))
        #expect(record.accreditationRefusal(for: acme, on: date("2026-11-23")) == nil)
        #expect(!record.isAccredited(for: acme, on: date("2026-11-24")))
        let stale = record.accreditationRefusal(for: acme, on: date("2026-11-24"))
        #expect(stale?.code == .accreditationExpired && stale?.message.contains("2026-08-26") == true)
        // A security that is not 506(c) takes any accreditation.
        #expect(record.isAccredited(for: bldg, on: date("2027-11-24")))
        #expect(record.accreditationRefusal(for: bldg, on: date("2027-11-24")) == nil)
        record.accreditation?.method = .selfCertified
        record.accreditation?.verifiedOn = date("2026-11-23")
        #expect(!record.isAccredited(for: acme, on: date("2026-11-23")))
        #expect(record.accreditationRefusal(for: acme, on: date("2026-11-23"))?.code == .accreditationExpired)
        // No accreditation at all is the rules' not_accredited, not a stale one.
        record.accreditation = nil
        #expect(record.accreditationRefusal(for: acme, on: date("2026-11-23")) == nil)
        #expect(!record.applied(to: alice, for: acme, on: date("2026-11-23")).accredited)
    }

    @Test func problemsNameTheirFields() {
        var record = verified(.approved)
        #expect(record.problems().isEmpty)
        record.jurisdiction = "usa"
        record.kyc.verifiedOn = nil
        record.wallets = ["ethereum": "0x12"]
        #expect(record.problems().map(\.field) == ["jurisdiction", "kyc.verifiedOn", "wallets.ethereum"])
        record = verified(.approved, expires: "2025-10-01")
        #expect(record.problems().map(\.field) == ["kyc.expiresOn"])
    }

    /// The declared record changes nothing: over 3 000 random accounts and securities, every rule
    /// gives the same answer for the configured account and for that account under its declared
    /// record, on any day.
    @Test func theDeclaredRecordIsTheConfiguredAccount() throws {
        var random = SplitMix64(seed: 20_261_203)
        let venues = try Repository.catalog().venues
        let countries = ["US", "GB", "CH", "SG", "CN", "KP", "DE"]
        let rules = RulesEngine()
        for _ in 0..<3_000 {
            var account = alice
            account.country = countries[random.below(countries.count)]
            account.usPerson = account.country == "US" || random.below(4) == 0
            account.accredited = random.below(2) == 0
            account.qualifiedPurchaser = random.below(3) == 0
            account.professional = random.below(3) == 0
            let security = configuration.securities[random.below(configuration.securities.count)]
            let venue = venues[random.below(venues.count)]
            let today = date("2026-01-01").adding(days: random.below(900))
            let record = InvestorRecord(declaredBy: account)
            #expect(record.kycRefusal(on: today) == nil)
            #expect(record.accreditationRefusal(for: security, on: today) == nil)
            let viewed = record.applied(to: account, for: security, on: today)
            #expect(viewed == account)
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let ticket = OrderTicket(
                side: side, type: .limit, quantity: Quantity(rawValue: Quantity.unit * 10),
                limitPrice: nil, timeInForce: .gtc)
            #expect(
                rules.violations(ticket, account: viewed, venue: venue, security: security, at: today.start, holders: 1)
                    == rules.violations(
                        ticket, account: account, venue: venue, security: security, at: today.start, holders: 1))
        }
    }
}
