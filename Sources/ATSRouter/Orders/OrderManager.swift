import ATSDomain
import ATSOrders
import ATSSettlement
import ATSStorage
import ATSVenues
import Logging

/// Turns parent orders into child orders per the plan, follows them to their fills, re-plans
/// the residual on fresh books a bounded number of times, rests DAY/GTC residuals, and cancels.
///
/// A façade: submitting, starting, cancelling, reading and waiting are here, with the one commit
/// path (``store(_:)``). The work is in types and files of its own: the pre-trade checks
/// (``PreTradeChecks``) and the routing step (``RoutingStep``), both pure; routing and finishing
/// (`OrderManager+Routing`), child execution and cancels (`+Execution`), resting (`+Resting`),
/// recovery (`+Recovery`), what a change means for settlement (`+Settlement`).
///
/// With a journal, every change to a parent is written (one transaction, with the settlement of
/// its new fills) before the manager acts on it: a parent before it is acknowledged, a child
/// before it is sent, a fill as soon as it is seen. ``recover()`` reconciles what a previous
/// process left open. Each change, once written, is published on ``eventStream``.
public actor OrderManager {
    public let context: RoutingContext
    let logger: Logger
    let journal: OrderJournal?
    let step: RoutingStep
    var parents: [OrderID: ParentOrder] = [:]
    /// Without a journal, the parent each account's client order id made.
    var byClientOrderId: [String: OrderID] = [:]
    var nextID: UInt64 = 1
    /// Tasks waiting for a parent to change (``doneOrResting(_:timeout:)``, a cancel waiting for its children).
    var changeWaiters = Waiters<OrderID>()
    /// Routing started in the background and not finished, and who waits for it to drain.
    var activeWork = 0
    var drainWaiters = Waiters<Int>()
    /// Set when a journal write failed: no new order is accepted until the process restarts.
    public internal(set) var journalFailure: String?
    /// Children whose state could not be read back from their venue at recovery; retried by ``refreshResting()``.
    var unreconciled: Set<OrderID> = []
    /// The most recently finished parents (with a journal), for reads; see ``retireIfDone(_:)``.
    var finished = FinishedParents(capacity: 1_024)
    /// Counts over the parents that left memory, for ``statistics()``.
    var retired = Statistics()
    /// How many parents ``loadJournal()`` read.
    var loadedFromJournal = 0
    /// Every change to a parent, once journalled, as a typed event (``OrderEvent``).
    public nonisolated let eventStream = OrderEventStream()
    /// The last event sequence of each parent in memory (a retired parent has no more events).
    var eventCounts: [OrderID: Int] = [:]
    /// Where each account's event stream stands (``numbered(_:of:at:)``).
    var streams = AccountStreams()
    /// With instances sharing the journal: the accounts this one owns, whose orders it takes and works.
    nonisolated let leases: (any AccountLeases)?
    /// Files the onboardings a `pending_onboarding` order waits for (nil: orders an onboarding
    /// would unlock are rejected, as before onboarding existed).
    public nonisolated let onboarding: OnboardingDesk?
    /// Takes each finished order into the monitoring rules (nil: no monitoring).
    public nonisolated let compliance: ComplianceDesk?
    /// Converts the cash a buy with `allowTransfers` needs in another asset (nil: such buys are refused as before).
    public nonisolated let conversions: ConversionDesk?

    public init(
        context: RoutingContext, journal: (any JournalStore)? = nil, leases: (any AccountLeases)? = nil,
        logger: Logger = Logger(label: "ats.router.orders"), onboarding: OnboardingDesk? = nil,
        compliance: ComplianceDesk? = nil, conversions: ConversionDesk? = nil
    ) {
        self.conversions = conversions
        self.onboarding = onboarding
        self.compliance = compliance
        self.leases = leases
        self.context = context
        self.journal = journal.map(OrderJournal.init(journal:))
        self.step = RoutingStep(checks: context.checks, keyPrefix: journal.map { "\($0.tag)-" } ?? "")
        self.logger = logger
    }

    // MARK: Reading

    /// A parent as it is now: from memory while it works (or just finished), else read back from the journal.
    public func parent(_ id: OrderID) -> ParentOrder? {
        if let parent = parents[id] ?? finished.parent(id) { return parent }
        guard let journal, id.rawValue <= UInt64(Int64.max) else { return nil }
        do {
            return try journal.parent(id: Int64(id.rawValue))
        } catch {
            logger.error(
                "a parent does not read back from the journal", metadata: ["parent": "\(id)", "error": "\(error)"])
            return nil
        }
    }

    /// How many parents memory holds: those working (and, with a journal, nothing finished beyond
    /// the recent ones kept for reads). Flat under a steady load, whatever the day's total.
    public var parentsInMemory: (working: Int, recentlyFinished: Int) { (parents.count, finished.count) }

    /// Every parent, oldest first (the journal's, when there is one: for tools and tests, not the order path).
    public func allParents() -> [ParentOrder] {
        if let journal, let all = try? journal.parents(ParentQuery()) { return all }
        return parents.values.sorted { $0.id < $1.id }
    }

    /// Every parent of `account`, oldest first (see ``allParents()``).
    public func parents(of account: AccountID) -> [ParentOrder] {
        if let journal, let all = try? journal.parents(ParentQuery(account: account.rawValue)) { return all }
        return parents.values.filter { $0.account == account }.sorted { $0.id < $1.id }
    }

    /// One page of `account`'s parents, newest first: ids below `before`, at most `limit`, in
    /// `status` and of `symbol` when given. From the journal when there is one (it holds every
    /// parent as it is now: each change is written there before it is kept), else from memory.
    public func page(
        of account: AccountID, status: ParentOrder.Status? = nil, symbol: Symbol? = nil, before: OrderID? = nil,
        limit: Int
    ) throws -> [ParentOrder] {
        if let journal {
            return try journal.parents(
                ParentQuery(
                    account: account.rawValue, status: status?.rawValue, symbol: symbol?.rawValue,
                    before: before.map { Int64(clamping: $0.rawValue) }, limit: limit))
        }
        return Array(
            parents.values.filter {
                $0.account == account && (status == nil || $0.status == status)
                    && (symbol == nil || $0.symbol == symbol)
                    && (before == nil || $0.id < before!)
            }.sorted { $0.id > $1.id }.prefix(limit))
    }

    func isCancelRequested(_ id: OrderID) -> Bool { parents[id]?.cancelRequested ?? false }

    // MARK: Submitting

    /// Accepts a parent and routes it to completion (or to resting). Returns the parent's state
    /// then; a parent the journal could not take comes back rejected (`journal_unavailable`).
    public func submit(_ request: ParentOrderRequest) async -> ParentOrder {
        do {
            let (parent, replayed) = try accept(request, book: await transferBook(request))
            if !replayed && parent.status == .working { await route(parent.id) }
            return self.parent(parent.id) ?? parent
        } catch {
            var parent = makeParent(request, id: OrderID(0))
            parent.status = .rejected
            parent.rejection = Rejection(RejectCode(rawValue: error.code), error.description)
            return parent
        }
    }

    /// Accepts a parent (durably, when there is a journal) and starts routing it in the
    /// background; returns at once. A request repeating an account's `clientOrderId` returns
    /// the order it already created (`replayed`), started only once.
    public func start(_ request: ParentOrderRequest) async throws(SubmissionError) -> (
        parent: ParentOrder, replayed: Bool
    ) {
        let (parent, replayed) = try accept(request, book: await transferBook(request))
        if !replayed && parent.status == .working {
            let id = parent.id
            startWork { await self.route(id) }
        }
        return (parent, replayed)
    }

    /// Validates and records a parent; refused parents are recorded too (as `rejected`). `book`
    /// prices a transfer for an order with `allowTransfers`.
    func accept(_ request: ParentOrderRequest, book: ConsolidatedBook? = nil) throws(SubmissionError) -> (
        parent: ParentOrder, replayed: Bool
    ) {
        if let journalFailure { throw .journalUnavailable(journalFailure) }
        guard serves(request.account) else { throw .accountElsewhere(request.account.rawValue) }
        if let clientOrderId = request.clientOrderId, let existing = existingParent(request.account, clientOrderId) {
            guard existing.matches(request) else { throw .clientOrderIdReused(clientOrderId, existing: existing.id) }
            return (existing, true)
        }
        if let journal {
            do { nextID = UInt64(try journal.journal.newParentID(after: Int64(nextID) - 1)) } catch {
                throw .journalUnavailable("\(error)")
            }
        }
        var parent = makeParent(request, id: OrderID(nextID))
        let admission = admit(&parent, book: book)
        let events: [OrderEvent]
        do {
            events = try numbered(OrderEvent.changes(from: nil, to: parent), of: parent, at: parent.createdAt)
            try journalAcceptance(parent, admission, events: events)
        } catch { throw .journalUnavailable("\(error)") }
        if !admission.onboarding.isEmpty { fileOnboardings(parent.account, at: admission.onboarding) }
        nextID += 1
        parents[parent.id] = parent
        published(events)
        if journal == nil, let clientOrderId = request.clientOrderId {
            byClientOrderId["\(request.account)/\(clientOrderId)"] = parent.id
        }
        retireIfDone(parent)
        return (parent, false)
    }

    /// The parent `account` already made with `clientOrderId`: the journal knows every one (its
    /// unique index), so nothing per order is kept in memory for this; without a journal, memory does.
    private func existingParent(_ account: AccountID, _ clientOrderId: String) -> ParentOrder? {
        if let journal {
            guard let id = try? journal.parentID(account: account, clientOrderId: clientOrderId) else { return nil }
            return parent(id)
        }
        return byClientOrderId["\(account)/\(clientOrderId)"].flatMap { parents[$0] }
    }

    private func makeParent(_ request: ParentOrderRequest, id: OrderID) -> ParentOrder {
        ParentOrder(id: id, request: request, createdAt: context.clock.now())
    }

    // MARK: Committing

    /// Makes `parent` the current state — the one commit path. Journalled first (one
    /// transaction: the order's change with the settlement of its new fills and what its working
    /// children now promise), then kept, then whoever waits on it is woken. A failed journal
    /// write stops new orders from being accepted (``journalFailure``).
    func store(_ parent: ParentOrder) {
        // An account another instance took over: its orders are that instance's to carry on.
        guard owns(parent.account) else { return abandon(parent.id) }
        var parent = parent
        // A copy read before a cancel came in never takes the cancel back.
        if parents[parent.id]?.cancelRequested == true { parent.cancelRequested = true }
        if let old = parents[parent.id], old != parent {
            let now = context.clock.now()
            let changes = OrderEvent.changes(from: old, to: parent)
            do {
                // One unit of work: the order's rows and events here, the settlement of its new
                // fills added by the desk, committed together.
                let events = try numbered(changes, of: parent, at: now)
                let work =
                    journal != nil
                    ? OrderJournal.change(from: old, to: parent, events: events, at: now) : UnitOfWork()
                try context.settlement.commit(
                    work, fills: Self.newFills(from: old, to: parent, at: now),
                    reservations: reservationChanges(from: old, to: parent))
                published(events)
                measure(from: old, to: parent, at: now)
                if parent.status.isTerminal && !old.status.isTerminal { compliance?.observe(parent) }
            } catch let lost as LeaseLost {
                // Another instance took the account over: it carries the order on from the journal.
                logger.warning(
                    "lease lost; the order is left to its new owner",
                    metadata: ["parent": "\(parent.id)", "error": "\(lost)"])
                return abandon(parent.id)
            } catch {
                journalFailure = "\(error)"
                logger.critical(
                    "journal write failed; no new orders are accepted",
                    metadata: ["parent": "\(parent.id)", "error": "\(error)"])
            }
        }
        parents[parent.id] = parent
        changeWaiters.resumeAll(parent.id)
        retireIfDone(parent)
    }

    /// With a journal, a parent that is final with every child final leaves the working set: it
    /// is counted into ``retired``, kept among the most recently finished for reads, and read back
    /// from the journal after that. Memory then holds what is working, not the day's history.
    func retireIfDone(_ parent: ParentOrder) {
        guard journal != nil, parent.status.isTerminal, parent.children.allSatisfy(\.isTerminal),
            !unreconciled.contains(parent.id),
            !changeWaiters.isWaiting(on: parent.id), parents.removeValue(forKey: parent.id) != nil
        else { return }
        retired.add(parent)
        finished.insert(parent)
        eventCounts[parent.id] = nil
    }

    // MARK: Waiting

    /// The parent once it is done or resting, waiting at most `timeout`; nil for an unknown id.
    public func doneOrResting(_ id: OrderID, timeout: Duration) async -> ParentOrder? {
        let deadline = ContinuousClock.now + timeout
        while let current = parent(id), current.status == .working, ContinuousClock.now < deadline {
            await waitForChange(id, until: deadline)
        }
        return parent(id)
    }

    /// Suspends until `id` next changes (``store(_:)``) or `deadline` passes.
    func waitForChange(_ id: OrderID, until deadline: ContinuousClock.Instant) async {
        let token = changeWaiters.token()
        let timer = Task {
            try? await Task.sleep(until: deadline)
            self.changeWaiters.resume(id, token: token)
        }
        await withCheckedContinuation { changeWaiters.add(id, token: token, $0) }
        timer.cancel()
        // Woken by the deadline after its last change: it may leave memory now.
        if let parent = parents[id] { retireIfDone(parent) }
    }
}
