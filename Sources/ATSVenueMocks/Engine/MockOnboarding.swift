import ATSDomain
import ATSVenues

/// One onboarding application a mock venue holds.
public struct MockApplication: Sendable, Hashable {
    public let id: UInt64
    public let key: String
    public let owner: String
    public var applicant: OnboardingApplicant
    public var status: OnboardingStatus
    public var reason: String?
    /// When review of the latest submission ends.
    public var decidesAt: Timestamp
    /// How many times it was submitted (the first filing and each supplement).
    public var submissions: Int
}

/// A mock venue's investor onboarding: applications filed by a broker under its own key (the same
/// key again is the same application), reviewed for ``VenueDefinition/onboardingReviewSeconds``
/// and then decided by the venue's own admission rules (``VenueDefinition/onboardingDecision(_:)``).
/// An application that needs information is reviewed again when supplemented.
public actor MockOnboarding {
    public nonisolated let venue: VenueDefinition
    let clock: any TradingClock
    private var applications: [UInt64: MockApplication] = [:]
    private var keys: [String: UInt64] = [:]
    private var nextID: UInt64 = 1
    private var reviewSeconds: Int64
    /// Applications refused whatever they say, by jurisdiction (a test's or the demo's venue-side decision).
    private var refusedJurisdictions: [String: String] = [:]

    public init(venue: VenueDefinition, clock: any TradingClock) {
        self.venue = venue
        self.clock = clock
        reviewSeconds = Int64(venue.onboardingReviewSeconds)
    }

    /// Changes how long review takes from now on: applications under review are decided within
    /// `seconds` from now too.
    public func setReview(seconds: Int64) {
        reviewSeconds = seconds
        let latest = clock.now().adding(seconds: seconds)
        for (id, application) in applications where application.status == .pending && application.decidesAt > latest {
            applications[id]?.decidesAt = latest
        }
    }

    /// Files `applicant` under `key`: the application already filed with that key when there is one.
    public func file(key: String, applicant: OnboardingApplicant, owner: String) throws(VenueError) -> (
        application: MockApplication, replayed: Bool
    ) {
        guard (1...128).contains(key.count) else {
            throw VenueError(
                .badRequest, code: "invalid_field", field: "applicationId", "the key must be 1 to 128 characters")
        }
        try Self.check(applicant)
        let scoped = owner + "\u{1F}" + key
        if let id = keys[scoped], let existing = applications[id] { return (decided(existing), true) }
        let application = MockApplication(
            id: nextID, key: key, owner: owner, applicant: applicant, status: .pending, reason: nil,
            decidesAt: clock.now().adding(seconds: reviewSeconds), submissions: 1)
        nextID += 1
        applications[application.id] = application
        keys[scoped] = application.id
        return (application, false)
    }

    /// Supplements an application that needs information: reviewed again with `applicant`.
    public func supplement(_ id: UInt64, applicant: OnboardingApplicant, owner: String) throws(VenueError)
        -> MockApplication
    {
        try Self.check(applicant)
        var application = try self.application(id, owner: owner)
        guard application.status == .needsInformation || application.status == .pending else {
            throw VenueError(
                .conflict, code: "application_decided", "application \(id) is \(application.status.rawValue)")
        }
        application.applicant = applicant
        application.status = .pending
        application.reason = nil
        application.decidesAt = clock.now().adding(seconds: reviewSeconds)
        application.submissions += 1
        applications[id] = application
        return application
    }

    /// The application as it stands now (decided once its review time has passed).
    public func application(_ id: UInt64, owner: String) throws(VenueError) -> MockApplication {
        guard let found = applications[id], found.owner == owner else {
            throw VenueError(.notFound, "no application \(id)")
        }
        return decided(found)
    }

    /// Every application, by id.
    public func all() -> [MockApplication] {
        applications.keys.sorted().map { decided(applications[$0]!) }
    }

    /// Refuses applicants from `jurisdiction` from now on, with `reason` (the venue's compliance
    /// team deciding differently from its published rules).
    public func refuse(jurisdiction: String, reason: String) { refusedJurisdictions[jurisdiction] = reason }

    private func decided(_ application: MockApplication) -> MockApplication {
        guard application.status == .pending, clock.now() >= application.decidesAt else { return application }
        var decided = application
        if let reason = refusedJurisdictions[application.applicant.jurisdiction] {
            (decided.status, decided.reason) = (.refused, reason)
        } else {
            (decided.status, decided.reason) = venue.onboardingDecision(application.applicant)
        }
        applications[decided.id] = decided
        return decided
    }

    static func check(_ applicant: OnboardingApplicant) throws(VenueError) {
        guard !applicant.legalName.isEmpty, applicant.legalName.count <= 256 else {
            throw VenueError(
                .badRequest, code: "invalid_field", field: "legalName", "legalName must be 1 to 256 characters")
        }
        guard applicant.jurisdiction.count == 2 else {
            throw VenueError(
                .badRequest, code: "invalid_field", field: "jurisdiction", "jurisdiction must be ISO alpha-2")
        }
        guard applicant.wallets.count <= 16, applicant.wallets.allSatisfy({ $0.value.count <= 128 }) else {
            throw VenueError(
                .badRequest, code: "invalid_field", field: "wallets", "at most 16 wallets of 128 characters")
        }
    }
}
