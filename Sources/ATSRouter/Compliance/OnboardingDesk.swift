import ATSDomain
import ATSStorage
import ATSVenues
import Foundation
import Logging
import Synchronization

/// Onboards investors at the venues for them, from their identity records: an application filed
/// in each venue's dialect, followed until the venue decides, then the investor's wallet
/// whitelisted in the registry of each token the venue settles to it. Each step is journalled
/// before it is sent (the application under the router's key, so a lost reply is not a second
/// application), and the venue-KYC status the rules see follows it (``InvestorRegistry``).
public final class OnboardingDesk: Sendable {
    let context: RoutingContext
    let journal: (any JournalStore)?
    let leases: (any AccountLeases)?
    let logger: Logger
    private let state = Mutex<State>(State())

    struct State {
        var onboardings: [String: Onboarding] = [:]
        var working: Set<String> = []
        /// When each application under review may next be asked about.
        var nextAsk: [String: ContinuousClock.Instant] = [:]
    }

    /// How often an application under review is asked about: a venue's request budget (INX: 100 a
    /// minute) is for orders first.
    static let reviewPollInterval: Duration = .seconds(2)

    public init(
        context: RoutingContext, journal: (any JournalStore)?, leases: (any AccountLeases)?, logger: Logger
    ) throws {
        self.context = context
        self.journal = journal
        self.leases = leases
        self.logger = logger
        try reload()
    }

    /// Reads every onboarding the journal keeps (a restart, or accounts taken over).
    public func reload() throws {
        guard let journal else { return }
        var read: [String: Onboarding] = [:]
        for row in try journal.onboardings(account: nil) {
            guard let onboarding = try? JSONDecoder().decode(Onboarding.self, from: Data(row.record.utf8)) else {
                continue
            }
            read[Self.slot(onboarding.account, onboarding.venue)] = onboarding
        }
        state.withLock { $0.onboardings = read }
        for onboarding in read.values {
            context.investors.setVenueStatus(onboarding.kycStatus, of: onboarding.account, at: onboarding.venue)
        }
    }

    static func slot(_ account: AccountID, _ venue: VenueID) -> String { "\(account)/\(venue)" }

    public func onboarding(of account: AccountID, at venue: VenueID) -> Onboarding? {
        state.withLock { $0.onboardings[Self.slot(account, venue)] }
    }

    public func onboardings(of account: AccountID) -> [Onboarding] {
        state.withLock { $0.onboardings.values.filter { $0.account == account } }.sorted {
            $0.venue.rawValue < $1.venue.rawValue
        }
    }

    /// Files an onboarding for `account` at `venue` (journalled, then sent); the one already filed
    /// when there is one. Returns it as it then stands.
    @discardableResult
    public func file(_ account: AccountID, at venue: VenueID) async throws -> Onboarding {
        let now = context.clock.now()
        let made: Onboarding? = try state.withLock { state in
            let slot = Self.slot(account, venue)
            if state.onboardings[slot] != nil { return nil }
            let onboarding = Onboarding(
                account: account, venue: venue, status: .submitted,
                key: "\(journal?.tag ?? "r0")-k\(account)-\(venue)", venueApplicationID: nil, reason: nil,
                filedRevision: context.investors.record(of: account)?.revision ?? 0, registrations: [],
                steps: [.init(at: now, status: .submitted, detail: "filed from the investor's record")],
                createdAt: now, updatedAt: now)
            try write(onboarding)
            state.onboardings[slot] = onboarding
            return onboarding
        }
        if made != nil {
            context.investors.setVenueStatus(.pending, of: account, at: venue)
            logger.info("onboarding filed", metadata: ["account": "\(account)", "venue": "\(venue)"])
        }
        await work(Self.slot(account, venue))
        return onboarding(of: account, at: venue)!
    }

    /// One step for every open onboarding this instance serves.
    public func advance() async {
        let open = state.withLock { state in
            state.onboardings.filter { $0.value.status.isOpen }.map(\.key).sorted()
        }
        for slot in open { await work(slot) }
    }

    /// Moves one onboarding on as far as it goes now.
    private func work(_ slot: String) async {
        guard state.withLock({ $0.working.insert(slot).inserted }) else { return }
        defer { state.withLock { _ = $0.working.remove(slot) } }
        guard var onboarding = state.withLock({ $0.onboardings[slot] }), onboarding.status.isOpen,
            leases.map({ $0.serves(onboarding.account.rawValue) }) ?? true
        else { return }
        let before = onboarding
        if onboarding.status == .pending {
            let due = state.withLock { state -> Bool in
                if let next = state.nextAsk[slot], ContinuousClock.now < next { return false }
                state.nextAsk[slot] = ContinuousClock.now + Self.reviewPollInterval
                return true
            }
            guard due else { return }
        }
        await step(&onboarding)
        if onboarding.status == .registering, onboarding.registrations.allSatisfy({ $0.readyAt <= context.clock.now() })
        {
            onboarding.move(
                .approved, at: context.clock.now(),
                "whitelisted in \(onboarding.registrations.map { "\($0.symbol) (\($0.standard))" }.joined(separator: ", "))"
            )
        }
        guard onboarding != before else { return }
        do {
            try write(onboarding)
        } catch {
            logger.error("onboarding not journalled", metadata: ["slot": "\(slot)", "error": "\(error)"])
            return
        }
        state.withLock { $0.onboardings[slot] = onboarding }
        context.investors.setVenueStatus(onboarding.kycStatus, of: onboarding.account, at: onboarding.venue)
        if onboarding.status != before.status {
            logger.info(
                "onboarding \(onboarding.status.rawValue)",
                metadata: [
                    "account": "\(onboarding.account)", "venue": "\(onboarding.venue)",
                    "reason": "\(onboarding.reason ?? "")",
                ])
        }
    }

    /// What the venue says now, or what the router does next.
    private func step(_ onboarding: inout Onboarding) async {
        let now = context.clock.now()
        guard let record = context.investors.record(of: onboarding.account),
            let venue = context.catalog.venue(onboarding.venue)
        else { return }
        // Screened before anything is filed: a sanctioned investor is onboarded nowhere.
        if let hit = context.investors.screening(of: onboarding.account) {
            onboarding.move(.refused, at: now, "sanctions screening before filing", reason: "sanctions_match: \(hit)")
            return
        }
        if let refusal = record.kycRefusal(on: CalendarDate(now)) {
            if onboarding.reason != refusal.message {
                onboarding.reason = refusal.message
                onboarding.updatedAt = now
            }
            return
        }
        switch onboarding.status {
        case .submitted, .needsInformation:
            if onboarding.status == .needsInformation && record.revision <= onboarding.filedRevision { return }
            if let missing = missingWallet(record, at: venue) {
                if onboarding.status != .needsInformation || onboarding.reason != missing {
                    onboarding.move(.needsInformation, at: now, "before filing: \(missing)", reason: missing)
                }
                onboarding.filedRevision = record.revision
                return
            }
            let applicant = OnboardingApplicant(record, on: CalendarDate(now))
            let key = onboarding.key
            let id = onboarding.venueApplicationID
            onboarding.filedRevision = record.revision
            await ask(&onboarding, venue, id == nil ? "onboarding (file)" : "onboarding (supplement)") { adapter in
                if let id { return try await adapter.supplementOnboarding(id, applicant: applicant) }
                return try await adapter.fileOnboarding(key: key, applicant: applicant)
            }
        case .pending:
            guard let id = onboarding.venueApplicationID else { return }
            await ask(&onboarding, venue, "onboarding (status)") { try await $0.onboardingApplication(id) }
        case .registering, .approved, .refused:
            return
        }
    }

    /// Calls the venue and applies its answer; an answer that did not arrive changes nothing.
    private func ask(
        _ onboarding: inout Onboarding, _ venue: VenueDefinition, _ what: String,
        _ operation: @escaping @Sendable (any OnboardingVenue) async throws -> VenueApplication
    ) async {
        let now = context.clock.now()
        guard let gateway = context.gateways[venue.id], gateway.adapter is any OnboardingVenue else {
            onboarding.move(
                .refused, at: now, "the venue takes no onboarding", reason: "\(venue.name) takes no onboarding")
            return
        }
        let answer: VenueApplication
        do {
            answer = try await gateway.call(what) { adapter in try await operation(adapter as! any OnboardingVenue) }
        } catch let failure as VenueFailure where failure.kind == .notRetryable {
            onboarding.move(.refused, at: now, "the venue refused the application", reason: failure.message)
            return
        } catch {
            return  // unknown: asked again next round under the same key
        }
        onboarding.venueApplicationID = answer.id
        switch answer.status {
        case .pending:
            if onboarding.status != .pending { onboarding.move(.pending, at: now, "the venue is reviewing it") }
        case .needsInformation:
            let reason = answer.reason ?? "the venue needs more information"
            onboarding.move(.needsInformation, at: now, "the venue asks: \(reason)", reason: reason)
        case .refused:
            onboarding.move(.refused, at: now, "refused by \(venue.name)", reason: answer.reason ?? "refused")
        case .approved:
            onboarding.registrations = registrations(onboarding.account, at: venue, now: now)
            onboarding.move(
                onboarding.registrations.isEmpty ? .approved : .registering, at: now,
                onboarding.registrations.isEmpty
                    ? "approved by \(venue.name)"
                    : "approved by \(venue.name); whitelisting the wallet in \(onboarding.registrations.count) registr\(onboarding.registrations.count == 1 ? "y" : "ies")"
            )
        }
    }

    /// The registries the investor's wallet must be whitelisted in before `venue`'s trades settle
    /// to it: every security the venue lists whose settlement delivers to the investor's wallet.
    private func registrations(_ account: AccountID, at venue: VenueDefinition, now: Timestamp) -> [Onboarding
        .Registration]
    {
        guard let record = context.investors.record(of: account) else { return [] }
        return walletSecurities(record, at: venue, now: now).compactMap { security, chain in
            guard let wallet = record.wallets[chain] else { return nil }
            return Onboarding.Registration(
                symbol: security.symbol, standard: security.tokenStandard, chain: chain, wallet: wallet,
                readyAt: now.adding(seconds: IdentityRegistry.whitelistSeconds(security.tokenStandard)))
        }
    }

    /// The securities `venue` lists that the investor may hold (accreditation, qualified purchaser,
    /// country) and that its trades deliver to the investor's own wallet, with the wallet's chain.
    private func walletSecurities(_ record: InvestorRecord, at venue: VenueDefinition, now: Timestamp) -> [(
        Security, String
    )] {
        guard venue.settlement.model != .custodialBookEntry,
            let configured = context.configuration.account(record.account)
        else { return [] }
        return venue.listings.compactMap { listing in
            guard let security = context.configuration.security(listing.symbol),
                case .wallet(let chain) = configured.designatedCustody(of: security)
            else { return nil }
            let rules = security.transferRules
            if rules.accreditedOnly && !record.isAccredited(for: security, on: CalendarDate(now)) { return nil }
            if rules.qualifiedPurchaserOnly && record.qualifiedPurchaser == nil { return nil }
            if rules.restrictedCountries.contains(record.jurisdiction) { return nil }
            return (security, chain)
        }
    }

    /// What the record lacks for `venue`: a wallet on each chain its securities the investor may
    /// hold settle to.
    private func missingWallet(_ record: InvestorRecord, at venue: VenueDefinition) -> String? {
        let chains = Set(walletSecurities(record, at: venue, now: context.clock.now()).map(\.1))
        let missing = chains.subtracting(record.wallets.keys).sorted()
        guard !missing.isEmpty else { return nil }
        return
            "\(venue.name) settles to the investor's wallet: the record needs a wallet on \(missing.joined(separator: ", "))"
    }

    private func write(_ onboarding: Onboarding) throws {
        guard let journal else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var work = UnitOfWork()
        work.onboardings = [
            OnboardingRow(
                account: onboarding.account.rawValue, venue: onboarding.venue.rawValue,
                status: onboarding.status.rawValue, updatedAt: onboarding.updatedAt.nanosecondsSinceEpoch,
                record: String(decoding: try encoder.encode(onboarding), as: UTF8.self))
        ]
        try journal.commit(work)
    }
}
