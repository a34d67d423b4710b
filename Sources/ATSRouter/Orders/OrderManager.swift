import ATSDomain
import ATSRouting
import ATSSettlement
import ATSStorage
import ATSVenues
import Logging

/// A parent order as a trader submits it.
public struct ParentOrderRequest: Sendable, Hashable {
    public var account: AccountID
    public var symbol: Symbol
    public var side: Side
    public var quantity: Quantity
    public var limitPrice: Price?
    public var timeInForce: TimeInForce.Kind
    public var strategy: PlanStrategy
    public var includeVenues: Set<VenueID>
    public var excludeVenues: Set<VenueID>
    /// The trader's own id for the order: submitting it again returns the same order.
    public var clientOrderId: String?

    public init(account: AccountID, symbol: Symbol, side: Side, quantity: Quantity, limitPrice: Price? = nil,
                timeInForce: TimeInForce.Kind = .ioc, strategy: PlanStrategy = .cost,
                includeVenues: Set<VenueID> = [], excludeVenues: Set<VenueID> = [], clientOrderId: String? = nil) {
        self.clientOrderId = clientOrderId
        self.account = account
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.timeInForce = timeInForce
        self.strategy = strategy
        self.includeVenues = includeVenues
        self.excludeVenues = excludeVenues
    }
}

/// Why a parent order could not be accepted.
public enum SubmissionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The account already used this client order id for a different order.
    case clientOrderIdReused(String, existing: OrderID)
    /// The journal could not make the order durable, so it was not accepted.
    case journalUnavailable(String)

    public var code: String {
        switch self {
        case .clientOrderIdReused: "client_order_id_reused"
        case .journalUnavailable: "journal_unavailable"
        }
    }

    public var description: String {
        switch self {
        case .clientOrderIdReused(let id, let existing):
            "clientOrderId \(id) was already used for order \(existing) with different parameters"
        case .journalUnavailable(let reason): "the order could not be made durable, so it was not accepted: \(reason)"
        }
    }
}

/// Turns parent orders into child orders per the plan, follows them to their fills, re-plans
/// the residual on fresh books a bounded number of times, rests DAY/GTC residuals, and cancels.
///
/// With a journal, every change to a parent is written (one transaction) before the manager acts
/// on it: a parent before it is acknowledged, a child before it is sent, a fill as soon as it is
/// seen. ``recover()`` reconciles what a previous process left open.
public actor OrderManager {
    public let context: RoutingContext
    let logger: Logger
    let journal: OrderJournal?
    /// Prefixes every child's venue idempotency key: the journal's tag, so that two journals
    /// against the same venues never share a key.
    let keyPrefix: String
    private var parents: [OrderID: ParentOrder] = [:]
    private var byClientOrderId: [String: OrderID] = [:]
    private var nextID: UInt64 = 1
    private var waiters: [OrderID: [(token: UInt64, continuation: CheckedContinuation<Void, Never>)]] = [:]
    private var nextWaiter: UInt64 = 0
    private var activeWork = 0
    /// Set when a journal write failed: no new order is accepted until the process restarts.
    public private(set) var journalFailure: String?
    /// Children whose state could not be read back from their venue at recovery; retried by ``refreshResting()``.
    private var unreconciled: Set<OrderID> = []
    /// The most recently finished parents (with a journal), for reads; see ``retireIfDone(_:)``.
    private var finished = FinishedParents(capacity: 1_024)
    /// Counts over the parents that left memory, for ``statistics()``.
    private var retired = Statistics()
    /// How many parents ``loadJournal()`` read.
    private var loadedFromJournal = 0

    public init(context: RoutingContext, journal: Journal? = nil, logger: Logger = Logger(label: "ats.router.orders")) {
        self.context = context
        self.journal = journal.map(OrderJournal.init(journal:))
        self.keyPrefix = journal.map { "\($0.tag)-" } ?? ""
        self.logger = logger
    }

    /// A parent as it is now: from memory while it works (or just finished), else read back from the journal.
    public func parent(_ id: OrderID) -> ParentOrder? {
        if let parent = parents[id] ?? finished.parent(id) { return parent }
        guard let journal, id.rawValue <= UInt64(Int64.max) else { return nil }
        do {
            return try journal.parent(id: Int64(id.rawValue))
        } catch {
            logger.error("a parent does not read back from the journal", metadata: ["parent": "\(id)", "error": "\(error)"])
            return nil
        }
    }

    /// How many parents memory holds: those working (and, with a journal, nothing finished beyond
    /// the recent ones kept for reads). Flat under a steady load, whatever the day's total.
    public var parentsInMemory: (working: Int, recentlyFinished: Int) { (parents.count, finished.count) }

    /// Every parent, oldest first (the journal's, when there is one: for tools and tests, not the order path).
    public func allParents() -> [ParentOrder] {
        if let journal, let all = try? journal.parents(Journal.ParentQuery()) { return all }
        return parents.values.sorted { $0.id < $1.id }
    }

    /// Every parent of `account`, oldest first (see ``allParents()``).
    public func parents(of account: AccountID) -> [ParentOrder] {
        if let journal, let all = try? journal.parents(Journal.ParentQuery(account: account.rawValue)) { return all }
        return parents.values.filter { $0.account == account }.sorted { $0.id < $1.id }
    }

    /// One page of `account`'s parents, newest first: ids below `before`, at most `limit`, in
    /// `status` and of `symbol` when given. From the journal when there is one (it holds every
    /// parent as it is now: each change is written there before it is kept), else from memory.
    public func page(of account: AccountID, status: ParentOrder.Status? = nil, symbol: Symbol? = nil, before: OrderID? = nil,
                     limit: Int) throws -> [ParentOrder] {
        if let journal {
            return try journal.parents(Journal.ParentQuery(
                account: account.rawValue, status: status?.rawValue, symbol: symbol?.rawValue,
                before: before.map { Int64(clamping: $0.rawValue) }, limit: limit))
        }
        return Array(parents.values.filter {
            $0.account == account && (status == nil || $0.status == status) && (symbol == nil || $0.symbol == symbol)
                && (before == nil || $0.id < before!)
        }.sorted { $0.id > $1.id }.prefix(limit))
    }

    /// Accepts a parent and routes it to completion (or to resting). Returns the parent's state
    /// then; a parent the journal could not take comes back rejected (`journal_unavailable`).
    public func submit(_ request: ParentOrderRequest) async -> ParentOrder {
        do {
            let (parent, replayed) = try accept(request)
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
    public func start(_ request: ParentOrderRequest) throws(SubmissionError) -> (parent: ParentOrder, replayed: Bool) {
        let (parent, replayed) = try accept(request)
        if !replayed && parent.status == .working {
            let id = parent.id
            startWork { await self.route(id) }
        }
        return (parent, replayed)
    }

    private func workDone() { activeWork -= 1 }

    /// Waits (bounded) for routing started by ``start(_:)`` to finish: for a clean shutdown.
    public func drain(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while activeWork > 0 && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Validates and records a parent; refused parents are recorded too (as `rejected`).
    func accept(_ request: ParentOrderRequest) throws(SubmissionError) -> (parent: ParentOrder, replayed: Bool) {
        if let journalFailure { throw .journalUnavailable(journalFailure) }
        if let clientOrderId = request.clientOrderId, let existing = existingParent(request.account, clientOrderId) {
            guard existing.matches(request) else { throw .clientOrderIdReused(clientOrderId, existing: existing.id) }
            return (existing, true)
        }
        var parent = makeParent(request, id: OrderID(nextID))
        if let rejection = admission(parent) {
            parent.status = .rejected
            parent.rejection = rejection
            parent.completedAt = context.clock.now()
        }
        if let journal {
            do { try journal.accept(parent) } catch { throw .journalUnavailable("\(error)") }
        }
        nextID += 1
        parents[parent.id] = parent
        if journal == nil, let clientOrderId = request.clientOrderId { byClientOrderId["\(request.account)/\(clientOrderId)"] = parent.id }
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

    /// With a journal, a parent that is final with every child final leaves the working set: it
    /// is counted into ``retired``, kept among the most recently finished for reads, and read back
    /// from the journal after that. Memory then holds what is working, not the day's history.
    private func retireIfDone(_ parent: ParentOrder) {
        guard journal != nil, parent.status.isTerminal, parent.children.allSatisfy(\.isTerminal), !unreconciled.contains(parent.id),
              waiters[parent.id] == nil, parents.removeValue(forKey: parent.id) != nil else { return }
        retired.add(parent)
        finished.insert(parent)
    }

    private func makeParent(_ request: ParentOrderRequest, id: OrderID) -> ParentOrder {
        ParentOrder(
            id: id, account: request.account, clientOrderId: request.clientOrderId, symbol: request.symbol, side: request.side,
            quantity: request.quantity, limitPrice: request.limitPrice, timeInForce: request.timeInForce, strategy: request.strategy,
            includeVenues: request.includeVenues, excludeVenues: request.excludeVenues, createdAt: context.clock.now())
    }

    /// The parent once it is done or resting, waiting at most `timeout`; nil for an unknown id.
    public func settled(_ id: OrderID, timeout: Duration) async -> ParentOrder? {
        guard let current = parent(id) else { return nil }
        guard current.status == .working else { return current }
        let token = nextWaiter
        nextWaiter += 1
        let timer = Task { try? await Task.sleep(for: timeout); self.release(id, token: token) }
        await withCheckedContinuation { continuation in waiters[id, default: []].append((token, continuation)) }
        timer.cancel()
        return parent(id)
    }

    private func release(_ id: OrderID, token: UInt64) {
        guard let index = waiters[id]?.firstIndex(where: { $0.token == token }) else { return }
        waiters[id]!.remove(at: index).continuation.resume()
    }

    /// Makes `parent` the current state: journalled first (one transaction, with the settlement of
    /// its new fills), then kept. A failed journal write stops new orders from being accepted
    /// (``journalFailure``).
    private func store(_ parent: ParentOrder) {
        var parent = parent
        // A copy read before a cancel came in never takes the cancel back.
        if parents[parent.id]?.cancelRequested == true { parent.cancelRequested = true }
        if let old = parents[parent.id], old != parent {
            let now = context.clock.now()
            do {
                try context.settlement.commit(journal != nil ? OrderJournal.change(from: old, to: parent, at: now) : JournalChange(),
                                              fills: Self.newFills(from: old, to: parent, at: now),
                                              reservations: reservationChanges(from: old, to: parent))
            } catch {
                journalFailure = "\(error)"
                logger.critical("journal write failed; no new orders are accepted", metadata: ["parent": "\(parent.id)", "error": "\(error)"])
            }
        }
        parents[parent.id] = parent
        if parent.status != .working, let list = waiters.removeValue(forKey: parent.id) {
            for waiter in list { waiter.continuation.resume() }
        }
        retireIfDone(parent)
    }

    /// The fills `new` has that `old` did not, as executions for settlement.
    static func newFills(from old: ParentOrder, to new: ParentOrder, at now: Timestamp) -> [TradeExecution] {
        var fills: [TradeExecution] = []
        for (index, child) in new.children.enumerated() {
            let known = index < old.children.count ? old.children[index].fills.count : 0
            guard child.fills.count > known else { continue }
            let seen = Set(index < old.children.count ? old.children[index].fills.map(\.id) : [])
            for (position, fill) in child.fills.enumerated() where !seen.contains(fill.id) {
                fills.append(TradeExecution(venue: child.venue, fillId: fill.id, orderId: new.id.rawValue, childKey: child.clientKey,
                                            fillIndex: position, account: new.account, symbol: new.symbol, side: new.side, quantity: fill.quantity,
                                            price: fill.price, fee: fill.fee, at: now))
            }
        }
        return fills
    }

    /// How what a parent's working children promise changed, by venue: tokens for a sell, cash for a buy.
    func reservationChanges(from old: ParentOrder?, to new: ParentOrder) -> [SettlementDesk.ReservationChange] {
        let before = promises(old)
        let after = promises(new)
        guard before != after else { return [] }
        return Set(before.keys).union(after.keys).sorted().compactMap { venue in
            let delta = after[venue, default: 0] - before[venue, default: 0]
            guard delta != 0 else { return nil }
            let asset: LedgerAsset = new.side == .sell ? .token(new.symbol)
                : .cash(context.catalog.venue(venue)?.cashLeg.asset ?? .usd)
            return SettlementDesk.ReservationChange(account: new.account, asset: asset, venue: venue, amount: delta)
        }
    }

    /// What a parent's working children promise, by venue: a sell's unfilled tokens, a buy's
    /// greatest cost (unfilled quantity at the child's limit, with the venue's fees).
    func promises(_ parent: ParentOrder?) -> [VenueID: Int64] {
        guard let parent else { return [:] }
        var result: [VenueID: Int64] = [:]
        for child in parent.children where !child.isTerminal {
            let remaining = Quantity(rawValue: child.quantity.rawValue - child.filledQuantity.rawValue)
            if parent.side == .sell {
                result[child.venue, default: 0] += remaining.rawValue
            } else if let venue = context.catalog.venue(child.venue) {
                result[child.venue, default: 0] += venue.greatestBuyCost(remaining, at: child.limitPrice).rawValue
            }
        }
        return result
    }

    /// Cancels a parent: every live child is cancelled at its venue; fills already made stand.
    public func cancel(_ id: OrderID) async -> ParentOrder? {
        guard var parent = parents[id] else { return nil }
        guard !parent.status.isTerminal else { return parent }
        parent.cancelRequested = true
        store(parent)
        // A child whose answer did not arrive may be live: ask for it by its key first, so that the cancel reaches it.
        if parent.children.contains(where: { $0.status == .unknown }) {
            _ = await reconcileChildren(id)
            parent = parents[id] ?? parent
        }
        for index in parent.children.indices where !parent.children[index].isTerminal && parent.children[index].venueOrderID != nil {
            var child = parent.children[index]
            await cancelChild(&child, symbol: parent.symbol)
            parent = parents[id] ?? parent
            parent.children[index] = child
            store(parent)
        }
        // Children still in flight are cancelled by `send` when their acknowledgements arrive;
        // wait for that (bounded by the request timeout) so that the answer is final.
        let deadline = ContinuousClock.now + .milliseconds(2 * context.settings.requestTimeoutMilliseconds + 100)
        while parents[id]?.children.contains(where: { $0.status == .pending && $0.refusal == nil }) == true
                && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        parent = parents[id] ?? parent
        if let unknown = parent.children.first(where: { $0.status == .unknown }) {
            // Still no answer: the cancel completes once the venue tells (``resume(_:)`` cancels again).
            awaitReconciliation(id, child: unknown)
            return parents[id]
        }
        // Fills made before the cancel stand; a parent they completed is filled, not cancelled.
        parent.status = parent.leavesQuantity.isZero ? .filled : .cancelled
        parent.completedAt = context.clock.now()
        store(parent)
        return parent
    }

    func isCancelRequested(_ id: OrderID) -> Bool { parents[id]?.cancelRequested ?? false }

    /// Leaves a parent working until `child`'s state is known: ``refreshResting()`` asks its venue
    /// (by venue order id, or by re-sending its key) on every cycle, then carries the parent on.
    private func awaitReconciliation(_ id: OrderID, child: ChildOrder) {
        guard var parent = parents[id] else { return }
        unreconciled.insert(id)
        parent.note = "waiting for \(child.venue) to confirm child \(child.clientKey) (\(child.status.rawValue)); "
            + "its quantity is not routed again until then"
        store(parent)
        logger.warning("child state unknown; asking its venue again", metadata: ["parent": "\(id)", "child": "\(child.clientKey)",
                                                                               "venue": "\(child.venue)", "failure": "\(child.failure ?? "")"])
    }

    /// Counts over every parent, for `/metrics`.
    public struct Statistics: Sendable, Hashable {
        public var parentsByStatus: [ParentOrder.Status: Int] = [:]
        /// Parent rejections and child refusals, by rule code.
        public var rejectionsByCode: [String: Int] = [:]
        public var fillsByVenue: [VenueID: Int] = [:]
        public var childrenByVenue: [VenueID: Int] = [:]
        public var children = 0

        mutating func add(_ parent: ParentOrder) {
            parentsByStatus[parent.status, default: 0] += 1
            if let rejection = parent.rejection { rejectionsByCode[rejection.code.rawValue, default: 0] += 1 }
            for child in parent.children {
                children += 1
                childrenByVenue[child.venue, default: 0] += 1
                fillsByVenue[child.venue, default: 0] += child.fills.count
                if let refusal = child.refusal { rejectionsByCode[refusal.code.rawValue, default: 0] += 1 }
            }
        }
    }

    /// Counts over every parent: those that left memory (kept as counts) and those working.
    /// - Complexity: O(parents working).
    public func statistics() -> Statistics {
        var result = retired
        for parent in parents.values { result.add(parent) }
        return result
    }

    // MARK: Recovery

    /// What ``recover()`` found and did.
    public struct RecoveryReport: Sendable, Hashable {
        /// Parents loaded from the journal.
        public var loaded = 0
        /// Of those, parents not in a final state.
        public var open = 0
        /// Children asked about at their venue (by venue order id, or by their key when pending).
        public var childrenReconciled = 0
        /// Children whose venue could not be asked; retried on every resting-monitor cycle.
        public var childrenUnreachable = 0
        /// Parents routed again, ended, or cancelled as their journalled state asked.
        public var resumed = 0
    }

    /// Loads the journal and reconciles what a previous process left open, so that after a crash
    /// at any moment no fill is lost and no child is sent twice.
    ///
    /// Every child not in a final state is asked about at its venue: one with a venue order id by
    /// that id; one still `pending` (journalled, perhaps sent) by sending it again under the same
    /// idempotency key, which returns the order the venue already has — or, if the crash came
    /// before it left, places it now within the limit it was planned with. A take child still
    /// live afterwards is cancelled (its fill window is over). Then a parent whose cancel was
    /// requested is cancelled; a working parent with a residual is routed again on fresh books
    /// (in the background); a resting parent stays resting for the resting monitor.
    public func recover() async throws -> RecoveryReport {
        try loadJournal()
        return await reconcileOpenOrders()
    }

    /// The first half of ``recover()``: every parent the journal holds, validated as it loads
    /// (a row that does not read back, or whose quantities do not add up, throws naming it).
    ///
    /// Reads a page at a time, newest first; finished parents are only counted (``retired``), so
    /// memory at start holds the open ones, not the journal. Reads can be answered once it returns.
    public func loadJournal() throws {
        guard let journal else { return }
        var before: Int64?
        var count = 0
        while true {
            let page = try journal.parents(Journal.ParentQuery(before: before, limit: 2_000))
            guard let last = page.last else { break }
            for parent in page {
                count += 1
                nextID = max(nextID, parent.id.rawValue + 1)
                if parent.status.isTerminal && parent.children.allSatisfy(\.isTerminal) {
                    retired.add(parent)
                } else {
                    parents[parent.id] = parent
                    try context.settlement.commit(JournalChange(), fills: [], reservations: reservationChanges(from: nil, to: parent))
                }
            }
            before = Int64(last.id.rawValue)
        }
        loadedFromJournal = count
    }

    /// The second half of ``recover()``: each open parent's children asked about at their venues,
    /// then the parent carried on. Its time grows with the open orders and the venues' latency.
    public func reconcileOpenOrders() async -> RecoveryReport {
        var report = RecoveryReport()
        report.loaded = loadedFromJournal
        for parent in parents.values.sorted(by: { $0.id < $1.id }) where !parent.status.isTerminal {
            report.open += 1
            let (asked, unreachable) = await reconcileChildren(parent.id)
            report.childrenReconciled += asked
            report.childrenUnreachable += unreachable
            if unreachable > 0 {
                unreconciled.insert(parent.id)
                continue
            }
            resume(parent.id)
            report.resumed += 1
        }
        logger.info("recovered the journal", metadata: [
            "parents": "\(report.loaded)", "open": "\(report.open)", "children": "\(report.childrenReconciled)",
            "unreachable": "\(report.childrenUnreachable)"])
        return report
    }

    /// Asks each open child's venue for its state; returns how many were asked and how many could not be.
    private func reconcileChildren(_ id: OrderID) async -> (asked: Int, unreachable: Int) {
        guard let parent = parents[id] else { return (0, 0) }
        var asked = 0
        var unreachable = 0
        for index in parent.children.indices where !parent.children[index].isTerminal {
            var child = parent.children[index]
            guard let gateway = context.gateways[child.venue] else {
                unreachable += 1
                continue
            }
            let symbol = parent.symbol
            do {
                if let venueOrderID = child.venueOrderID {
                    child.apply(try await gateway.call("order (recovery)", { try await $0.order(venueOrderID, symbol: symbol) }))
                } else {
                    let request = ChildOrderRequest(clientKey: child.clientKey, symbol: symbol, side: parent.side, quantity: child.quantity,
                                                    limitPrice: child.limitPrice, timeInForce: child.timeInForce)
                    child.apply(try await Self.submitReconciling(request, gateway: gateway))
                }
            } catch let failure as VenueFailure where failure.kind == .notRetryable {
                if child.venueOrderID == nil {
                    // The venue refuses the key's order outright: it never had it, and will not take it now.
                    child.status = .failed
                } else {
                    // The venue has no record of the order (a venue restarted without its state,
                    // such as the embedded mocks): nothing more can fill; the fills recorded stand.
                    child.status = .expired
                }
                child.failure = "recovery: \(failure)"
            } catch {
                unreachable += 1
                continue
            }
            asked += 1
            if child.purpose == .take && !child.isTerminal { await cancelChild(&child, symbol: symbol) }
            guard var latest = parents[id] else { break }
            latest.children[index] = child
            store(latest)
        }
        return (asked, unreachable)
    }

    /// Carries a reconciled parent on from its journalled state.
    private func resume(_ id: OrderID) {
        guard var parent = parents[id], !parent.status.isTerminal else {
            // Final already (its unknown child was all that kept it): it may leave memory now.
            if let parent = parents[id] { retireIfDone(parent) }
            return
        }
        if parent.cancelRequested {
            startWork { _ = await self.cancel(id) }
        } else if parent.status == .working {
            if parent.leavesQuantity.isZero {
                parent.status = .filled
                parent.completedAt = context.clock.now()
                store(parent)
            } else if parent.children.contains(where: { $0.purpose == .rest && !$0.isTerminal }) {
                parent.status = .resting
                store(parent)
            } else {
                startWork { await self.route(id) }
            }
        }
    }

    private func startWork(_ body: @escaping @Sendable () async -> Void) {
        activeWork += 1
        Task {
            await body()
            self.workDone()
        }
    }

    /// Re-examines resting parents: a resting child that filled completes its parent; one whose
    /// books moved so that other venues now offer liquidity within the limit is cancelled and the
    /// residual re-routed. Call on every poll cycle.
    public func refreshResting() async {
        for id in unreconciled.sorted() {
            let (_, unreachable) = await reconcileChildren(id)
            if unreachable == 0 {
                unreconciled.remove(id)
                resume(id)
            }
        }
        for id in parents.values.filter({ $0.status == .resting && !$0.cancelRequested }).map(\.id).sorted() {
            guard let before = parents[id], let index = before.children.lastIndex(where: { $0.purpose == .rest }) else { continue }
            var child = before.children[index]
            let symbol = before.symbol
            if !child.isTerminal, let venueOrderID = child.venueOrderID, let gateway = context.gateways[child.venue],
               let state = try? await gateway.call("order", { try await $0.order(venueOrderID, symbol: symbol) }) {
                child.apply(state)
            }
            // Read the parent again after waiting: a cancel may have come in meanwhile.
            guard !isCancelRequested(id), var parent = parents[id], parent.status == .resting else { continue }
            parent.children[index] = child
            if parent.filledQuantity == parent.quantity {
                parent.status = .filled
                parent.completedAt = context.clock.now()
                store(parent)
                continue
            }
            if child.isTerminal {
                // The venue ended the resting order (expiry at the session's end, a venue-side cancel).
                parent.status = parent.filledQuantity.isZero ? .expired : .partiallyFilled
                parent.note = "the resting child at \(child.venue) ended \(child.status.rawValue) with \(parent.leavesQuantity) unfilled"
                parent.completedAt = context.clock.now()
                store(parent)
                continue
            }
            store(parent)
            // Liquidity elsewhere within the limit? Then stop resting and take it.
            let book = await context.consolidatedBook(parent.symbol, account: parent.account, side: parent.side)
            // Move only when the planner would fill something elsewhere now (continuous venues, lots,
            // minimums and the limit considered), so that a resting child does not churn.
            var elsewhereOrder = PlanOrder(side: parent.side, quantity: parent.leavesQuantity, limitPrice: parent.limitPrice,
                                           includeVenues: parent.includeVenues, excludeVenues: parent.excludeVenues)
            elsewhereOrder.excludeVenues.insert(child.venue)
            let elsewhere = ((try? Planner.plan(elsewhereOrder, on: context.planSnapshot(book, side: parent.side)))?
                .filledQuantity.isPositive) ?? false
            if elsewhere {
                await cancelChild(&child, symbol: parent.symbol)
                guard !isCancelRequested(id), var moved = parents[id], moved.status == .resting else { continue }
                moved.children[index] = child
                moved.status = .working
                store(moved)
                await route(id)
            }
        }
    }

    // MARK: Routing

    /// Refuses a parent that no venue could take for this account: an unknown security or
    /// account, or the same compliance rule at every venue listing the security.
    func admission(_ parent: ParentOrder) -> Rejection? {
        guard parent.quantity.isPositive else { return Rejection(.quantityNotPositive, "quantity must be greater than zero") }
        guard let account = context.configuration.account(parent.account) else {
            return Rejection(RejectCode(rawValue: "unknown_account"), "no account \(parent.account)")
        }
        guard context.configuration.security(parent.symbol) != nil else {
            return Rejection(RejectCode(rawValue: "unknown_security"), "no security \(parent.symbol)")
        }
        if parent.timeInForce != .ioc && parent.timeInForce != .fok && parent.limitPrice == nil {
            return Rejection(.marketOrderCannotRest, "a \(parent.timeInForce.rawValue) order may rest, so it needs a limit price")
        }
        let now = context.clock.now()
        let listing = context.catalog.venues.filter { $0.listing(parent.symbol) != nil && parent.admitsVenue($0.id) }
        guard !listing.isEmpty else { return Rejection(.notListed, "\(parent.symbol) is listed on no venue this order may use") }
        var refusals: [(venue: VenueID, rejection: Rejection)] = []
        for venue in listing {
            guard let refusal = context.eligibility(of: venue, symbol: parent.symbol, side: parent.side, quantity: parent.quantity,
                                                    account: account, now: now) else { return nil }
            refusals.append((venue.id, refusal))
        }
        // Every venue refuses: the code is the rule that refuses at most of them (ties: the first);
        // the message names each venue's rule.
        let counts = Dictionary(grouping: refusals, by: \.rejection.code)
        let top = refusals.first { counts[$0.rejection.code]!.count == counts.values.map(\.count).max() }!.rejection
        let detail = refusals.map { "\($0.venue): \($0.rejection.code) (\($0.rejection.message))" }.joined(separator: "; ")
        return Rejection(top.code, "refused at every venue listing \(parent.symbol): \(detail)")
    }

    /// Plans and sends children until the parent is filled, rests, or runs out of re-routes.
    func route(_ id: OrderID) async {
        let settings = context.settings
        var refusedVenues: [VenueID: String] = [:]
        var attempt = 0
        while attempt <= settings.maximumReroutes {
            guard let before = parents[id], !isCancelRequested(id), before.unroutedQuantity.isPositive else { break }
            // The books and the plan; a re-plan first polls the venues again.
            if attempt > 0 { await context.refreshBooks(before.symbol) }
            let book = await context.consolidatedBook(before.symbol, account: before.account, side: before.side)
            // Read the parent again after waiting: a cancel may have come in meanwhile.
            guard var parent = parents[id], !isCancelRequested(id) else { return }
            let residual = parent.unroutedQuantity
            var snapshot = context.planSnapshot(book, side: parent.side)
            snapshot.venues.removeAll { refusedVenues[$0.venue] != nil }
            var excluded = Dictionary(uniqueKeysWithValues: book.venues.filter { !$0.included }.map { ($0.venue, $0.reason ?? $0.code ?? "") })
            for (venue, reason) in refusedVenues { excluded[venue] = reason }
            for status in book.venues where status.included && context.catalog.venue(status.venue)?.isContinuous == false {
                excluded[status.venue] = "call auction: its book executes at the next auction, not now"
            }
            let order = PlanOrder(side: parent.side, quantity: residual, limitPrice: parent.limitPrice, strategy: parent.strategy,
                                  includeVenues: parent.includeVenues, excludeVenues: parent.excludeVenues)
            let plan: Plan
            do {
                plan = try Planner.plan(order, on: snapshot)
            } catch {
                parent.note = "the planner refused the books: \(error)"
                store(parent)
                break
            }
            let ages = Dictionary(uniqueKeysWithValues: book.venues.compactMap { status in status.ageMilliseconds.map { (status.venue, $0) } })
            parent.decisions.append(RoutingDecision(at: context.clock.now(), attempt: attempt, snapshot: snapshot, quoteAges: ages,
                                                    excluded: excluded, plan: plan))
            let decision = parent.decisions.count - 1
            if parent.timeInForce == .fok && attempt == 0 && plan.filledQuantity < residual {
                let message = "eligible consolidated liquidity covers \(plan.filledQuantity) of \(residual); nothing was sent"
                parent.rejection = Rejection(.fillOrKillNotFillable, message)
                parent.note = "fok_not_fillable: \(message)"
                parent.status = .rejected
                parent.completedAt = context.clock.now()
                store(parent)
                return
            }
            guard !plan.allocations.isEmpty else {
                store(parent)
                break
            }
            // Children, each cleared by the rules engine first.
            var toSend: [Int] = []
            var refusedNow = false
            var plannedAt: [CustodyLocation: Int64] = [:]
            for allocation in plan.allocations {
                guard let venue = context.catalog.venue(allocation.venue) else { continue }
                let tif = childTimeInForce(at: venue, parent: parent.timeInForce)
                var child = ChildOrder(
                    clientKey: "\(keyPrefix)p\(id)-c\(parent.children.count + 1)", venue: venue.id, quantity: allocation.quantity,
                    limitPrice: allocation.worstPrice, timeInForce: tif, purpose: .take, decision: decision,
                    createdAt: context.clock.now())
                if let refusal = childRefusal(parent, venue: venue, quantity: allocation.quantity, limit: allocation.worstPrice, tif: tif,
                                              planned: plannedAt[parent.side == .sell ? venue.tokenLocation : venue.cashLeg.location, default: 0]) {
                    child.status = .refused
                    child.refusal = refusal
                    refusedVenues[venue.id] = "refused: \(refusal)"
                    refusedNow = true
                } else {
                    toSend.append(parent.children.count)
                    if parent.side == .sell {
                        plannedAt[venue.tokenLocation, default: 0] += allocation.quantity.rawValue
                    } else {
                        plannedAt[venue.cashLeg.location, default: 0] += venue.greatestBuyCost(allocation.quantity, at: allocation.worstPrice).rawValue
                    }
                }
                parent.children.append(child)
            }
            store(parent)
            if refusedNow && toSend.isEmpty { continue }  // re-plan around the refusing venues, same attempt
            await send(id, children: toSend)
            // A venue that refused or failed a child, or left its state unknown, is left out of this parent's re-plans.
            for index in toSend {
                if let child = parents[id]?.children[index], child.status == .failed || !child.isTerminal {
                    refusedVenues[child.venue] = "\(child.status.rawValue): \(child.failure ?? "")"
                }
            }
            attempt += 1
        }
        await finish(id)
    }

    /// After routing: done, or rest the residual (DAY/GTC). A parent with a take child whose state
    /// is not known (its answer did not arrive, or its fill window's cancel did not) stays working
    /// until the venue tells: ``refreshResting()`` asks on every cycle, then carries it on.
    func finish(_ id: OrderID) async {
        guard var parent = parents[id], !parent.status.isTerminal, !isCancelRequested(id) else { return }
        if let open = parent.children.first(where: { $0.purpose == .take && !$0.isTerminal }) {
            awaitReconciliation(id, child: open)
            return
        }
        if parent.leavesQuantity.isZero {
            parent.status = .filled
        } else if parent.timeInForce == .day || parent.timeInForce == .gtc || parent.timeInForce == .gtd {
            await rest(id)
            return
        } else if parent.timeInForce == .fok {
            // Cross-venue FOK cannot be atomic: liquidity was there when the children left, a
            // child filled short, and the re-routes could not complete it. What filled stands.
            parent.status = .partiallyFilled
            parent.note = "fok_shortfall: consolidated liquidity covered the order when it was sent, but children filled "
                + "\(parent.filledQuantity) of \(parent.quantity) after \(parent.decisions.count) decision(s); the fills stand"
        } else {
            parent.status = parent.filledQuantity.isZero ? .expired : .partiallyFilled
            parent.note = parent.note ?? "the rest found no eligible liquidity within the limit after \(parent.decisions.count) decision(s)"
        }
        parent.completedAt = context.clock.now()
        store(parent)
    }

    /// Rests the residual. A call-auction venue whose indicative uncross is within the limit is
    /// chosen first (the child waits for the auction, where it is likely to trade); otherwise
    /// the venue with the lowest fee for this side, then the most displayed size on the same side
    /// (where counterparties are most active).
    func rest(_ id: OrderID) async {
        guard var parent = parents[id], let limit = parent.limitPrice, !isCancelRequested(id) else { return }
        let book = await context.consolidatedBook(parent.symbol, account: parent.account, side: parent.side)
        let residual = parent.leavesQuantity
        var best: (venue: VenueDefinition, auction: Bool, fee: BasisPoints, depth: Int64)?
        for status in book.venues where status.included && parent.admitsVenue(status.venue) {
            guard let venue = context.catalog.venue(status.venue),
                  let tif = restingTimeInForce(at: venue, parent: parent.timeInForce),
                  childRefusal(parent, venue: venue, quantity: residual, limit: limit, tif: tif) == nil
            else { continue }
            var auctionLikely = false
            if !venue.isContinuous, let gateway = context.gateways[venue.id] {
                let symbol = parent.symbol
                if let indicative = try? await gateway.call("indicative", { try await $0.indicative(symbol) }),
                   let price = indicative.price {
                    auctionLikely = parent.side == .buy ? price <= limit : price >= limit
                }
            }
            let fee = parent.side == .buy ? status.buyFeeBps : status.sellFeeBps
            let sameSide = parent.side == .buy ? book.bids : book.asks
            let depth = sameSide.filter { $0.venue == venue.id }.reduce(0) { $0 + $1.quantity.rawValue }
            if let current = best {
                if current.auction && !auctionLikely { continue }
                if current.auction == auctionLikely && (fee > current.fee || (fee == current.fee && depth <= current.depth)) { continue }
            }
            best = (venue, auctionLikely, fee, depth)
        }
        parent = parents[id] ?? parent
        guard let best, let tif = restingTimeInForce(at: best.venue, parent: parent.timeInForce) else {
            parent.status = parent.filledQuantity.isZero ? .expired : .partiallyFilled
            parent.note = "no eligible venue takes the residual as \(parent.timeInForce.rawValue) within its rules"
            parent.completedAt = context.clock.now()
            store(parent)
            return
        }
        let child = ChildOrder(clientKey: "\(keyPrefix)p\(id)-c\(parent.children.count + 1)", venue: best.venue.id, quantity: residual,
                               limitPrice: limit, timeInForce: tif, purpose: .rest,
                               decision: max(0, parent.decisions.count - 1), createdAt: context.clock.now())
        parent.children.append(child)
        parent.note = best.auction ? "resting at \(best.venue.id) for its next call auction (indicative price within the limit)"
            : "resting at \(best.venue.id) (fee \(best.fee) bp)"
        store(parent)
        await send(id, children: [parent.children.count - 1])
        if var updated = parents[id], updated.status == .working {
            updated.status = .resting
            if updated.leavesQuantity.isZero {
                updated.status = .filled
                updated.completedAt = context.clock.now()
            } else if let last = updated.children.last, last.status == .unknown {
                updated.status = .working
                store(updated)
                awaitReconciliation(id, child: last)
                return
            } else if updated.children.last?.status == .failed {
                updated.status = updated.filledQuantity.isZero ? .expired : .partiallyFilled
                updated.note = "the resting child failed: \(updated.children.last?.failure ?? "")"
                updated.completedAt = context.clock.now()
            }
            store(updated)
        }
    }

    /// FOK children for a FOK parent where the venue takes FOK (each child fills whole or not at
    /// all); IOC on continuous venues that take it; otherwise a DAY (or GTC) limit cancelled after
    /// the fill window.
    func childTimeInForce(at venue: VenueDefinition, parent: TimeInForce.Kind) -> TimeInForce.Kind {
        if parent == .fok && venue.isContinuous && venue.timeInForce.contains(.fok) { return .fok }
        if venue.isContinuous && venue.timeInForce.contains(.ioc) { return .ioc }
        return venue.timeInForce.contains(.day) ? .day : .gtc
    }

    /// A residual rests with the parent's own time in force (a DAY parent as DAY, a GTC parent as
    /// GTC); nil when the venue does not take it.
    func restingTimeInForce(at venue: VenueDefinition, parent: TimeInForce.Kind) -> TimeInForce.Kind? {
        let wanted: TimeInForce.Kind = parent == .day ? .day : .gtc
        return venue.timeInForce.contains(wanted) ? wanted : nil
    }

    /// The rule refusing one child, if any. A sell child is also refused when the account does
    /// not have the tokens free where the venue settles, a buy child when it has not the cash
    /// there, net of what this plan already sends there (`planned`: tokens or cash).
    func childRefusal(_ parent: ParentOrder, venue: VenueDefinition, quantity: Quantity, limit: Price,
                      tif: TimeInForce.Kind, planned: Int64 = 0) -> Rejection? {
        guard let account = context.configuration.account(parent.account),
              let security = context.configuration.security(parent.symbol) else { return Rejection(.notListed, "unknown") }
        let ticket = OrderTicket(side: parent.side, type: .limit, quantity: quantity, limitPrice: limit, timeInForce: tif)
        if let refusal = context.rules.check(ticket, account: context.settlement.accountView(account), venue: venue, security: security,
                                             at: context.clock.now(), holders: context.settlement.holderCount(of: parent.symbol)) {
            return refusal
        }
        switch parent.side {
        case .sell:
            if context.settlement.sellable(parent.account, parent.symbol, at: venue).rawValue - planned < quantity.rawValue {
                return context.positionRefusal(parent.account, parent.symbol, at: venue, wanted: quantity)
            }
        case .buy:
            let cost = venue.greatestBuyCost(quantity, at: limit)
            if context.settlement.spendable(parent.account, at: venue).rawValue - planned < cost.rawValue {
                return context.cashRefusal(parent.account, at: venue, wanted: cost)
            }
        }
        return nil
    }

    // MARK: Children at venues

    /// Sends the children concurrently and follows each to a final state (or, for a resting
    /// child, to its acknowledgement).
    func send(_ id: OrderID, children indices: [Int]) async {
        guard let parent = parents[id] else { return }
        let settings = context.settings
        let symbol = parent.symbol
        let side = parent.side
        let work = indices.map { ($0, parent.children[$0]) }
        let results = await withTaskGroup(of: (Int, ChildOrder).self) { group in
            for (index, child) in work {
                guard let gateway = context.gateways[child.venue] else { continue }
                group.addTask {
                    var child = child
                    let request = ChildOrderRequest(clientKey: child.clientKey, symbol: symbol, side: side, quantity: child.quantity,
                                                    limitPrice: child.limitPrice, timeInForce: child.timeInForce)
                    do {
                        child.apply(try await Self.submitReconciling(request, gateway: gateway))
                    } catch {
                        // No answer is not a refusal: the venue may have the order, even filled.
                        child.status = (error as? VenueFailure)?.outcomeUnknown == true ? .unknown : .failed
                        child.failure = "\(error)"
                        return (index, child)
                    }
                    // Acknowledged: the parent shows the child live (and a cancel can reach it).
                    await self.record(child, at: index, of: id)
                    guard child.purpose == .take, !child.isTerminal, let venueOrderID = child.venueOrderID else { return (index, child) }
                    // A limit child on a venue without IOC: follow it through its fill window, then cancel the rest.
                    let deadline = ContinuousClock.now + .milliseconds(settings.fillWindowMilliseconds)
                    while !child.isTerminal && ContinuousClock.now < deadline, await !self.isCancelRequested(id) {
                        try? await Task.sleep(for: .milliseconds(settings.statusPollMilliseconds))
                        if let state = try? await gateway.call("order", { try await $0.order(venueOrderID, symbol: symbol) }) {
                            child.apply(state)
                            await self.record(child, at: index, of: id)
                        }
                    }
                    if !child.isTerminal {
                        if let state = try? await gateway.call("cancel", { try await $0.cancel(venueOrderID, symbol: symbol) }) {
                            child.apply(state)
                        } else if let state = try? await gateway.call("order", { try await $0.order(venueOrderID, symbol: symbol) }) {
                            child.apply(state)  // already final (a parent cancel got there first)
                        }
                    }
                    return (index, child)
                }
            }
            var collected: [(Int, ChildOrder)] = []
            for await result in group { collected.append(result) }
            return collected
        }
        guard var updated = parents[id] else { return }
        // Never replace a final state (from a parent cancel) with a working one.
        for (index, child) in results where child.isTerminal || !updated.children[index].isTerminal {
            updated.children[index] = child
        }
        store(updated)
        // A cancel that arrived while these children were in flight cancels what they left live.
        if isCancelRequested(id) {
            for (index, _) in results where !updated.children[index].isTerminal {
                await cancelChild(&updated.children[index], symbol: updated.symbol)
            }
            if var latest = parents[id] {
                for (index, _) in results { latest.children[index] = updated.children[index] }
                store(latest)
            }
        }
    }

    /// Writes a child's latest state into its parent while its batch is still working.
    func record(_ child: ChildOrder, at index: Int, of id: OrderID) {
        guard var parent = parents[id], index < parent.children.count, !parent.children[index].isTerminal else { return }
        parent.children[index] = child
        store(parent)
    }

    /// Submits; when the reply is lost (timeout, malformed), sends the same idempotency key again
    /// once, which returns the order the venue already has rather than a second one.
    /// - Throws: the venue's refusal when it refuses the key's order outright (a 4xx about the
    ///   request); otherwise, when the first
    ///   attempt's outcome is unknown (``VenueFailure/outcomeUnknown``), that failure, so that a
    ///   second attempt held back by the breaker never turns an order that may exist into a failed one.
    static func submitReconciling(_ request: ChildOrderRequest, gateway: VenueGateway) async throws -> VenueOrderState {
        await gateway.paceOrder()
        do {
            return try await gateway.call("submit", { try await $0.submit(request) })
        } catch let failure as VenueFailure where failure.kind == .retryable && failure.code != "venue_excluded" {
            await gateway.paceOrder()
            do {
                return try await gateway.call("submit (reconcile)", { try await $0.submit(request) })
            } catch let second as VenueFailure where second.kind == .notRetryable {
                throw second  // the venue looked the key up and refused its order: it does not have it
            } catch {
                throw failure.outcomeUnknown ? failure : error
            }
        }
    }

    /// Cancels a child at its venue and records its final state. When the cancel is refused (the
    /// child filled or expired meanwhile) the child's state is fetched instead, so that no fill
    /// made before the cancel is lost. A child not yet acknowledged is left to `send`.
    func cancelChild(_ child: inout ChildOrder, symbol: Symbol) async {
        guard let venueOrderID = child.venueOrderID, let gateway = context.gateways[child.venue] else { return }
        if let state = try? await gateway.call("cancel", { try await $0.cancel(venueOrderID, symbol: symbol) }) {
            child.apply(state)
        } else if let state = try? await gateway.call("order", { try await $0.order(venueOrderID, symbol: symbol) }) {
            child.apply(state)
        }
    }
}

extension ParentOrder {
    /// Whether `request` asks for this same order (an idempotent repeat of its client order id).
    func matches(_ request: ParentOrderRequest) -> Bool {
        account == request.account && symbol == request.symbol && side == request.side && quantity == request.quantity
            && limitPrice == request.limitPrice && timeInForce == request.timeInForce && strategy == request.strategy
            && includeVenues == request.includeVenues && excludeVenues == request.excludeVenues
    }

    func admitsVenue(_ venue: VenueID) -> Bool {
        PlanOrder.admits(venue, include: includeVenues, exclude: excludeVenues)
    }
}

/// The parents that finished last, at most `capacity`, oldest dropped first: what traders read
/// right after their orders end, answered without the journal.
struct FinishedParents: Sendable {
    let capacity: Int
    private var byID: [OrderID: ParentOrder] = [:]
    private var order: [OrderID] = []
    private var head = 0

    init(capacity: Int) { self.capacity = capacity }

    func parent(_ id: OrderID) -> ParentOrder? { byID[id] }
    var count: Int { byID.count }

    /// - Complexity: amortised O(1).
    mutating func insert(_ parent: ParentOrder) {
        if byID.updateValue(parent, forKey: parent.id) == nil { order.append(parent.id) }
        while order.count - head > capacity {
            byID.removeValue(forKey: order[head])
            head += 1
        }
        if head > capacity {
            order.removeFirst(head)
            head = 0
        }
    }
}
