import ATSDomain
import ATSRouter
import ATSVenueMocks
import ATSVenues
import Testing

/// Every venue's onboarding endpoint over HTTP in its own dialect (paths, authentication, INX's
/// signatures, Rialto's snake case), through the router's adapters: an application filed, filed
/// again under the same key (the same application), decided by the venue's own rules, supplemented.
@Suite struct OnboardingDialectTests {
    func applicant(jurisdiction: String = "US", accredited: Bool = true, wallets: [String: String])
        -> OnboardingApplicant
    {
        OnboardingApplicant(
            legalName: "Bob Tran", jurisdiction: jurisdiction, usPerson: jurisdiction == "US", accredited: accredited,
            accreditationMethod: accredited ? "income" : nil, qualifiedPurchaser: false, professional: true,
            kycProvider: "Onfido", kycVerifiedOn: "2026-11-02", wallets: wallets)
    }

    @Test func eachDialectFilesReadsAndSupplementsAnApplication() async throws {
        try await LiveRouter.with { live in
            for venue in try Repository.catalog().venues {
                await live.engines[venue.id]!.onboarding.setReview(seconds: 0)
                let adapter = try #require(live.router.context.gateways[venue.id]?.adapter as? any OnboardingVenue)
                let filed = try await adapter.fileOnboarding(key: "t-\(venue.id)", applicant: applicant(wallets: [:]))
                let again = try await adapter.fileOnboarding(key: "t-\(venue.id)", applicant: applicant(wallets: [:]))
                #expect(again.id == filed.id && filed.key == "t-\(venue.id)", "\(venue.id)")
                let read = try await adapter.onboardingApplication(filed.id)
                // Custodial venues keep the tokens: no wallet needed. The others ask for one.
                if venue.settlement.model == .custodialBookEntry {
                    #expect(read.status == .approved, "\(venue.id): \(read)")
                } else {
                    #expect(read.status == .needsInformation && read.reason?.contains("wallet") == true, "\(venue.id)")
                    let supplemented = try await adapter.supplementOnboarding(
                        filed.id,
                        applicant: applicant(wallets: ["ethereum": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]))
                    #expect(supplemented.id == filed.id)
                    let decided = try await adapter.onboardingApplication(filed.id)
                    #expect(decided.status == .approved, "\(venue.id): \(decided)")
                }
                // A venue's own rules refuse, naming themselves: Rialto admits US, CA and GB only.
                let refused = try await adapter.fileOnboarding(
                    key: "r-\(venue.id)",
                    applicant: applicant(jurisdiction: "IR", wallets: ["ethereum": "0x5aAeb6053F"]))
                #expect(try await adapter.onboardingApplication(refused.id).status == .refused, "\(venue.id)")
                await #expect(throws: VenueFailure.self) { try await adapter.onboardingApplication("999999") }
            }
            // A venue's rule beyond the country: Texture admits accredited investors only.
            let texture = try #require(
                live.router.context.gateways[try VenueID("texture")]?.adapter as? any OnboardingVenue)
            let unaccredited = try await texture.fileOnboarding(
                key: "u-1", applicant: applicant(accredited: false, wallets: ["ethereum": "0x5aAeb6053F"]))
            let decided = try await texture.onboardingApplication(unaccredited.id)
            #expect(decided.status == .refused && decided.reason?.contains("accredited") == true)
        }
    }
}
