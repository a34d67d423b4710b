import ATSDomain
import ATSSettlement
import ATSStorage
import ATSVenues
import Logging
import ServiceLifecycle
import Synchronization

/// Subscriptions to primary offerings, from request to allocation.
///
/// A request is checked (``SubscriptionRules`` on the venue's live terms, then cash), its cash
/// earmarked and the subscription journalled `reserved` in one transaction, then sent to the venue
/// under an idempotency key made of the journal's tag and the id. An answer that did not arrive
/// leaves it `reserved`: ``advance()`` sends the same key again until the venue answers, so the
/// venue never holds two subscriptions for one request. Once `pending`, ``advance()`` asks the
/// venue how it stands; the allocation at close is settled in one transaction with the
/// subscription's change: the cash paid to the issuer, the rest released, the units issued to the
/// account and reported to the transfer agent with the issue date as acquisition date.
///
/// Over a journal, open subscriptions are read from it on every round (nothing is kept in memory
/// between rounds, so a restart, or another instance taking the account over, resumes them).
public final class SubscriptionDesk: Sendable {
    let context: RoutingContext
    let journal: (any JournalStore)?
    let leases: (any AccountLeases)?
    let logger: Logger
    let rules = SubscriptionRules()

    struct State: Sendable {
        /// Without a journal: every subscription.
        var memory: [Int64: Subscription] = [:]
        var lastID: Int64 = 0
        /// Subscriptions a call is working on now (a request being sent, a round settling it).
        var working: Set<Int64> = []
        /// The last round found nothing open, and none has been taken here since: rounds then skip
        /// the journal read until ``recheckRounds`` have passed (work another instance left behind).
        var foundNoneOpen = false
        var skippedRounds = 0
        /// How many have been taken here: a round's "none open" stands only if none was taken meanwhile.
        var taken = 0
    }
    /// How many rounds an idle desk lets pass between reads of the journal for open work.
    static var recheckRounds: Int { 30 }

    /// Whether a monitor round reads the journal: always while work is open here, else every
    /// ``recheckRounds``. Returns the count of work taken so far, for ``noteOpen(_:since:)``.
    func roundIsDue() -> Int? {
        state.withLock { state in
            guard state.foundNoneOpen, state.skippedRounds < Self.recheckRounds else {
                state.skippedRounds = 0
                return state.taken
            }
            state.skippedRounds += 1
            return nil
        }
    }

    /// What a round found open; "none" counts only if nothing was taken since the round began.
    func noteOpen(_ count: Int, since taken: Int) {
        state.withLock { state in state.foundNoneOpen = count == 0 && state.taken == taken }
    }

    /// Work was just taken here: the next monitor round reads the journal.
    func noteTaken() {
        state.withLock { state in
            state.taken += 1
            state.foundNoneOpen = false
        }
    }
    let state: Mutex<State>

    public init(
        context: RoutingContext, journal: (any JournalStore)?, leases: (any AccountLeases)? = nil,
        logger: Logger = Logger(label: "ats.subscriptions")
    ) throws {
        self.context = context
        self.journal = journal
        self.leases = leases
        self.logger = logger
        state = Mutex(State(lastID: try journal?.lastSubscriptionID() ?? 0))
    }

    // MARK: Offerings

    /// Every offering the venues routed to run, asked of each now; the venues that could not be asked, with why.
    public func offerings() async -> (offerings: [VenueOffering], unavailable: [(venue: VenueID, reason: String)]) {
        let venues = context.catalog.venues.filter { !($0.offerings ?? []).isEmpty && context.gateways[$0.id] != nil }
        var listed: [VenueOffering] = []
        var unavailable: [(VenueID, String)] = []
        // One answer per venue, asked concurrently. (A `Result` with a typed-throws error in the
        // group's element type crashed release builds of Swift 6.3.1 on completing a child task.)
        struct Answer: Sendable {
            var venue: VenueID
            var offerings: [VenueOffering] = []
            var failure: String?
        }
        await withTaskGroup(of: Answer.self) { group in
            for venue in venues {
                group.addTask {
                    do {
                        return Answer(venue: venue.id, offerings: try await self.venueOfferings(venue.id))
                    } catch {
                        return Answer(venue: venue.id, failure: "\(error)")
                    }
                }
            }
            for await answer in group {
                if let failure = answer.failure {
                    unavailable.append((answer.venue, failure))
                } else {
                    listed += answer.offerings
                }
            }
        }
        return (
            listed.sorted { ($0.venue, $0.offering.id) < ($1.venue, $1.offering.id) },
            unavailable.sorted { $0.0 < $1.0 }
        )
    }

    /// Why a venue's offerings could not be read, as the caller is told: a venue that runs none
    /// names no offering (422); one that did not answer is unavailable (503).
    static func unreadable(_ venue: VenueID, _ name: String, _ failure: VenueFailure) -> SubscriptionError {
        if failure.code == "no_offerings" || failure.code == "not_routed" {
            return SubscriptionError(
                code: "unknown_offering", field: "venue", message: "\(name) runs no primary offerings here")
        }
        return SubscriptionError(
            code: "venue_unavailable", message: "\(name)'s offerings could not be read: \(failure)")
    }

    private func venueOfferings(_ venue: VenueID) async throws(VenueFailure) -> [VenueOffering] {
        try await call(venue, "offerings") { try await $0.offerings() }
    }

    /// Calls the venue's offering API through its gateway (breaker, timing); a venue that runs none is a failure.
    func call<T: Sendable>(
        _ venue: VenueID, _ what: String, _ operation: @escaping @Sendable (any OfferingVenue) async throws -> T
    ) async throws(VenueFailure) -> T {
        guard let gateway = context.gateways[venue] else {
            throw VenueFailure(venue: venue, kind: .fatal, code: "not_routed", message: "\(venue) is not routed to")
        }
        // Asked before the gateway: a venue that runs no offerings has not failed, and its breaker
        // must not count a client's request for one against it.
        guard gateway.adapter is any OfferingVenue else {
            throw VenueFailure(
                venue: venue, kind: .notRetryable, code: "no_offerings", message: "\(venue) runs no primary offerings")
        }
        do {
            return try await gateway.call(what) { adapter in
                guard let offerings = adapter as? any OfferingVenue else {
                    throw VenueFailure(
                        venue: venue, kind: .fatal, code: "no_offerings", message: "\(venue) runs no primary offerings")
                }
                return try await operation(offerings)
            }
        } catch let failure as VenueFailure {
            throw failure
        } catch {
            throw VenueFailure(venue: venue, kind: .retryable, code: "unexpected", message: "\(error)")
        }
    }

    // MARK: Subscribing

    /// Takes a subscription: checks it, earmarks its cash and journals it, then sends it to the
    /// venue. Refused by a rule, it is journalled `rejected` naming the rule. A request repeating
    /// an account's `clientSubscriptionId` returns the subscription it made (`replayed`).
    public func subscribe(_ request: SubscriptionRequest) async throws(SubscriptionError) -> (
        subscription: Subscription, replayed: Bool
    ) {
        if let leases, !leases.serves(request.account.rawValue) {
            throw SubscriptionError(
                code: "account_moving",
                message: "account \(request.account) is moving between router instances; try again shortly")
        }
        if let clientId = request.clientSubscriptionId, let existing = try existing(request.account, clientId) {
            guard existing.matches(request) else {
                throw SubscriptionError(
                    code: "client_subscription_id_reused", field: "clientSubscriptionId",
                    message:
                        "clientSubscriptionId \(clientId) was already used for subscription \(existing.id) with different terms"
                )
            }
            return (existing, true)
        }
        var (subscription, refusal) = try await prepare(request)
        if let refusal {
            subscription.status = .rejected
            subscription.rejection = refusal
            try record(subscription, event: "rejected", detail: refusal.description)
            return (subscription, false)
        }
        do {
            try context.settlement.reserveSubscription(
                subscription.legs, amount: request.amount, reference: "\(subscription.reference):reserve",
                with: SubscriptionJournal.work(subscription, event: "accepted", detail: "reserved \(request.amount)"))
        } catch let refused as SettlementError {
            subscription.status = .rejected
            subscription.rejection = Rejection(RejectCode(rawValue: refused.code), refused.message)
            try record(subscription, event: "rejected", detail: refused.description)
            return (subscription, false)
        } catch {
            throw SubscriptionError(code: "journal_unavailable", message: "the subscription was not taken: \(error)")
        }
        remember(subscription)
        noteTaken()
        guard begin(subscription.id) else { return (subscription, false) }
        defer { end(subscription.id) }
        return (await send(subscription), false)
    }

    /// The subscription `request` makes (its id given, its legs placed) on the venue's live terms,
    /// and the first rule refusing it, if one does.
    private func prepare(_ request: SubscriptionRequest) async throws(SubscriptionError) -> (
        Subscription, Rejection?
    ) {
        guard let venue = context.catalog.venue(request.venue) else {
            throw SubscriptionError(code: "unknown_venue", field: "venue", message: "no venue \(request.venue)")
        }
        guard let account = context.configuration.account(request.account) else {
            throw SubscriptionError(code: "unknown_account", message: "no account \(request.account)")
        }
        let live: [VenueOffering]
        do { live = try await venueOfferings(venue.id) } catch {
            throw Self.unreadable(venue.id, venue.name, error)
        }
        guard let listed = live.first(where: { $0.offering.id == request.offering }) else {
            throw SubscriptionError(
                code: "unknown_offering", field: "offering",
                message: "\(venue.name) runs no offering \(request.offering)")
        }
        let offering = listed.offering
        guard let security = context.configuration.securities.first(where: { $0.symbol == offering.symbol }) else {
            throw SubscriptionError(
                code: "unknown_offering", field: "offering",
                message: "offering \(offering.id) is of \(offering.symbol), which is not in the securities master")
        }
        let now = context.clock.now()
        let id = try newID()
        let legs = SubscriptionLegs(
            account: account.id, symbol: offering.symbol, cash: venue.cashLeg.asset,
            cashLocation: venue.cashLeg.location,
            tokenLocation: venue.settlement.model == .custodialBookEntry
                ? .custodian(venue.id) : .wallet(chain: offering.chain))
        let subscription = Subscription(
            id: id, account: account.id, clientSubscriptionId: request.clientSubscriptionId, venue: venue.id,
            offering: offering, amount: request.amount, key: "\(journal?.tag ?? "r0")-u\(id)", legs: legs,
            status: .reserved, createdAt: now, updatedAt: now)
        let book = context.settlement.book()
        let investor = context.investors.view(of: account, for: security, at: now)
        var refusal = rules.check(
            request.amount, to: offering, at: venue, account: book.accountView(investor), security: security, at: now,
            committedToRegulationCrowdfunding: try committedToRegulationCrowdfunding(account.id, at: now),
            holding: book.capTable.quantity(of: Holder(account.id), in: offering.symbol),
            holders: book.capTable.accountHolders(of: offering.symbol))
        if let identity = context.investors.refusal(of: account.id, security: security, side: .buy, at: now) {
            refusal = identity
        }
        if refusal == nil, !listed.isOpen {
            refusal = Rejection(.offeringClosed, "offering \(offering.id) at \(venue.name) has closed")
        }
        if refusal == nil, offering.paymentAsset != legs.cash {
            refusal = Rejection(
                .paymentAssetNotSettled,
                "offering \(offering.id) is paid in \(offering.paymentAsset.rawValue); \(venue.name) settles in \(legs.cash.rawValue)"
            )
        }
        return (subscription, refusal)
    }

    /// Sends a reserved subscription (again) under its key and keeps what the venue answered.
    private func send(_ subscription: Subscription) async -> Subscription {
        let offering = subscription.offering.id
        let key = subscription.key
        let amount = subscription.amount
        do {
            let answer = try await call(subscription.venue, "subscribe") {
                try await $0.subscribe(offering: offering, key: key, amount: amount)
            }
            return await apply(answer, to: subscription)
        } catch let failure where failure.kind == .notRetryable {
            var refused = subscription
            refused.status = .rejected
            refused.rejection = Rejection(RejectCode(rawValue: failure.code), failure.message)
            refused.refund = subscription.amount
            refused.updatedAt = context.clock.now()
            return settle(refused, event: "rejected", detail: failure.description) ?? subscription
        } catch {
            // Unknown or not sent: it stays reserved, and the next round sends the same key again.
            logger.info(
                "subscription not acknowledged; it is sent again",
                metadata: ["subscription": "\(subscription.id)", "failure": "\(error)"])
            return subscription
        }
    }

    /// Keeps the venue's answer: acknowledged (pending), or settled when it has allocated or refunded.
    private func apply(_ answer: VenueSubscription, to subscription: Subscription) async -> Subscription {
        var next = subscription
        next.venueSubscriptionID = answer.id
        next.updatedAt = context.clock.now()
        switch answer.status {
        case .pending:
            guard subscription.status == .reserved else { return subscription }
            next.status = .pending
            do {
                try commit(
                    SubscriptionJournal.work(next, event: "acknowledged", detail: "venue subscription \(answer.id)"))
            } catch {
                logger.error("subscription acknowledgement not journalled", metadata: ["error": "\(error)"])
                return subscription
            }
            remember(next)
            return next
        case .allocated, .refunded:
            guard answer.paid.rawValue + answer.refund.rawValue == subscription.amount.rawValue,
                answer.units.isZero == answer.paid.isZero
            else {
                logger.error(
                    "venue allocation does not add up; left pending",
                    metadata: [
                        "subscription": "\(subscription.id)", "paid": "\(answer.paid)", "refund": "\(answer.refund)",
                    ])
                return subscription
            }
            next.status = answer.status == .allocated && answer.units.isPositive ? .allocated : .refunded
            next.units = answer.units
            next.paid = answer.paid
            next.refund = answer.refund
            next.issuedOn = answer.issuedOn ?? CalendarDate(next.updatedAt)
            let detail =
                next.status == .allocated
                ? "\(answer.units) \(subscription.symbol) for \(answer.paid), \(answer.refund) refunded"
                : "refunded \(answer.refund)"
            return settle(next, event: next.status.rawValue, detail: detail) ?? subscription
        }
    }

    /// Commits a final outcome with its settlement (nothing paid and everything refunded for a rejection).
    private func settle(_ subscription: Subscription, event: String, detail: String) -> Subscription? {
        do {
            try context.settlement.settleSubscription(
                subscription.legs, paid: subscription.paid, refund: subscription.refund, units: subscription.units,
                issuedOn: subscription.issuedOn ?? CalendarDate(subscription.updatedAt),
                reference: subscription.reference,
                with: SubscriptionJournal.work(subscription, event: event, detail: detail))
        } catch {
            logger.error(
                "subscription outcome not journalled; tried again next round",
                metadata: ["subscription": "\(subscription.id)", "error": "\(error)"])
            return nil
        }
        remember(subscription)
        return subscription
    }

    // MARK: Following

    /// One round over every open subscription of the accounts this instance serves: reserved ones
    /// sent again under their key, pending ones asked how they stand (and settled once allocated).
    public func advance() async { await round(since: state.withLock { $0.taken }) }

    /// A monitor's round: ``advance()`` when it is due (an idle desk reads the journal only every
    /// ``recheckRounds`` rounds).
    func advanceIfDue() async {
        guard let taken = roundIsDue() else { return }
        await round(since: taken)
    }

    private func round(since taken: Int) async {
        let open: [Subscription]
        do {
            let all = try subscriptions(statuses: [.reserved, .pending])
            // Counted before the lease filter: an account this instance is about to take over has work.
            noteOpen(all.count, since: taken)
            open = all.filter { leases?.serves($0.account.rawValue) ?? true }
        } catch {
            logger.error("open subscriptions not read", metadata: ["error": "\(error)"])
            return
        }
        for subscription in open {
            guard begin(subscription.id) else { continue }
            defer { end(subscription.id) }
            if subscription.status == .reserved {
                _ = await send(subscription)
                continue
            }
            guard let venueID = subscription.venueSubscriptionID else { continue }
            do {
                let answer = try await call(subscription.venue, "subscription") { try await $0.subscription(venueID) }
                if answer.status != .pending { _ = await apply(answer, to: subscription) }
            } catch {
                logger.debug(
                    "subscription state not read",
                    metadata: ["subscription": "\(subscription.id)", "error": "\(error)"])
            }
        }
    }

    // MARK: Reads

    /// One subscription; with `account`, only that account's.
    public func subscription(_ id: Int64, account: AccountID? = nil) throws -> Subscription? {
        let found: Subscription?
        if let journal {
            found = try journal.subscriptions(SubscriptionQuery(id: id)).first.map(SubscriptionJournal.subscription)
        } else {
            found = state.withLock { $0.memory[id] }
        }
        guard let found, account == nil || found.account == account else { return nil }
        return found
    }

    /// An account's subscriptions (everyone's when nil), newest first when `limit` is set.
    public func subscriptions(
        account: AccountID? = nil, statuses: [Subscription.Status]? = nil, before: Int64? = nil, limit: Int? = nil
    ) throws -> [Subscription] {
        if let journal {
            return try journal.subscriptions(
                SubscriptionQuery(
                    account: account?.rawValue, statuses: statuses?.map(\.rawValue), before: before, limit: limit)
            ).map(SubscriptionJournal.subscription)
        }
        var picked = state.withLock { Array($0.memory.values) }.filter { subscription in
            (account == nil || subscription.account == account) && (statuses?.contains(subscription.status) ?? true)
                && (before.map { subscription.id < $0 } ?? true)
        }
        if let limit {
            picked.sort { $0.id > $1.id }
            return Array(picked.prefix(limit))
        }
        return picked.sorted { $0.id < $1.id }
    }

    /// A subscription's events, in order (empty without a journal).
    public func events(of id: Int64) throws -> [SubscriptionEventRow] {
        try journal?.subscriptionEvents(of: id) ?? []
    }

    /// What `account` committed to Reg CF offerings over the twelve months before `now`.
    public func committedToRegulationCrowdfunding(_ account: AccountID, at now: Timestamp) throws(SubscriptionError)
        -> Money
    {
        let since = now.adding(seconds: -365 * 86_400)
        do {
            return Money(
                rawValue: try subscriptions(account: account).filter {
                    $0.offering.eligibility.regulationCrowdfunding && $0.createdAt >= since
                }.reduce(0) { $0 + $1.committed.rawValue })
        } catch {
            throw SubscriptionError(code: "journal_unavailable", message: "subscriptions could not be read: \(error)")
        }
    }

    // MARK: Internals

    private func existing(_ account: AccountID, _ clientId: String) throws(SubscriptionError) -> Subscription? {
        do {
            if let journal {
                return try journal.subscription(account: account.rawValue, clientSubscriptionId: clientId).map(
                    SubscriptionJournal.subscription)
            }
            return state.withLock {
                $0.memory.values.first { $0.account == account && $0.clientSubscriptionId == clientId }
            }
        } catch {
            throw SubscriptionError(code: "journal_unavailable", message: "subscriptions could not be read: \(error)")
        }
    }

    private func newID() throws(SubscriptionError) -> Int64 {
        do {
            return try state.withLock { state in
                state.lastID = try journal?.newSubscriptionID(after: state.lastID) ?? state.lastID + 1
                return state.lastID
            }
        } catch {
            throw SubscriptionError(code: "journal_unavailable", message: "no subscription id: \(error)")
        }
    }

    private func record(_ subscription: Subscription, event: String, detail: String) throws(SubscriptionError) {
        do { try commit(SubscriptionJournal.work(subscription, event: event, detail: detail)) } catch {
            throw SubscriptionError(code: "journal_unavailable", message: "the subscription was not recorded: \(error)")
        }
        remember(subscription)
    }

    private func commit(_ work: UnitOfWork) throws { try journal?.commit(work) }

    private func remember(_ subscription: Subscription) {
        guard journal == nil else { return }
        state.withLock { $0.memory[subscription.id] = subscription }
    }

    private func begin(_ id: Int64) -> Bool { state.withLock { $0.working.insert(id).inserted } }
    private func end(_ id: Int64) { state.withLock { _ = $0.working.remove(id) } }
}

/// Follows open subscriptions and cash conversions: a round of ``SubscriptionDesk/advance()`` and
/// ``ConversionDesk/advance()`` every `interval`.
struct SubscriptionMonitor: Service {
    let desk: SubscriptionDesk
    let conversions: ConversionDesk
    let onboarding: OnboardingDesk
    let compliance: ComplianceDesk
    let interval: Duration

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await desk.advanceIfDue()
                await conversions.advanceIfDue()
                await onboarding.advance()
                compliance.screen()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
