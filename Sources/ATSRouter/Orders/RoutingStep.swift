import ATSDomain
import ATSOrders
import ATSPlanning
import ATSVenues

/// One step of routing a parent, pure: the parent, the consolidated book, the account's
/// positions, the venues already left out and the attempt in; the decision (with its evidence),
/// the children it makes (each cleared or refused by the pre-trade checks) and what to do next
/// out. The order manager does the I/O around it: reading the books, journalling the parent,
/// sending the children.
public struct RoutingStep: Sendable {
    public let checks: PreTradeChecks
    /// Prefixes each child's venue idempotency key (the journal's tag).
    public let keyPrefix: String

    public init(checks: PreTradeChecks, keyPrefix: String) {
        self.checks = checks
        self.keyPrefix = keyPrefix
    }

    public struct Input: Sendable {
        public var parent: ParentOrder
        public var book: ConsolidatedBook
        public var positions: AccountPositions
        /// Venues left out of this parent's re-plans (a refusal, a failure, an unknown outcome), with why.
        public var refusedVenues: [VenueID: String]
        /// 0 for the first plan, then each re-route.
        public var attempt: Int
        public var now: Timestamp

        public init(
            parent: ParentOrder, book: ConsolidatedBook, positions: AccountPositions,
            refusedVenues: [VenueID: String] = [:],
            attempt: Int = 0, now: Timestamp
        ) {
            self.parent = parent
            self.book = book
            self.positions = positions
            self.refusedVenues = refusedVenues
            self.attempt = attempt
            self.now = now
        }
    }

    public enum Outcome: Sendable, Hashable {
        /// Send the children at these indices of the parent's children; `refused` names venues
        /// whose child the checks refused (left out of later plans).
        case send(ParentOrder, children: [Int], refused: [VenueID: String])
        /// The checks refused every child the plan made: plan again around `refused`, same attempt.
        case replan(ParentOrder, refused: [VenueID: String])
        /// Nothing more to send: the plan is empty, or the planner refused the books (the parent's note says).
        case stop(ParentOrder)
        /// A fill-or-kill the eligible consolidated liquidity cannot fill: rejected, nothing sent.
        case rejected(ParentOrder)

        public var parent: ParentOrder {
            switch self {
            case .send(let parent, _, _), .replan(let parent, _), .stop(let parent), .rejected(let parent): parent
            }
        }
    }

    public func callAsFunction(_ input: Input) -> Outcome {
        var parent = input.parent
        let residual = parent.unroutedQuantity
        var snapshot = checks.planSnapshot(input.book, side: parent.side, positions: input.positions)
        snapshot.venues.removeAll { input.refusedVenues[$0.venue] != nil }
        var excluded = Dictionary(
            uniqueKeysWithValues: input.book.venues.filter { !$0.included }.map {
                ($0.venue, $0.reason ?? $0.code ?? "")
            })
        for (venue, reason) in input.refusedVenues { excluded[venue] = reason }
        for status in input.book.venues
        where status.included && checks.catalog.venue(status.venue)?.isContinuous == false {
            excluded[status.venue] = "call auction: its book executes at the next auction, not now"
        }
        let order = PlanOrder(
            side: parent.side, quantity: residual, limitPrice: parent.limitPrice, strategy: parent.strategy,
            includeVenues: parent.includeVenues, excludeVenues: parent.excludeVenues)
        let plan: Plan
        do {
            plan = try Planner.plan(order, on: snapshot)
        } catch {
            parent.note = "the planner refused the books: \(error)"
            return .stop(parent)
        }
        let ages = Dictionary(
            uniqueKeysWithValues: input.book.venues.compactMap { status in
                status.ageMilliseconds.map { (status.venue, $0) }
            })
        parent.decisions.append(
            RoutingDecision(
                at: input.now, attempt: input.attempt, snapshot: snapshot, quoteAges: ages,
                excluded: excluded, plan: plan, unreachable: Self.unreachable(input.book, side: parent.side)))
        if parent.timeInForce == .fok && input.attempt == 0 && plan.filledQuantity < residual {
            let message =
                "eligible consolidated liquidity covers \(plan.filledQuantity) of \(residual); nothing was sent"
            parent.rejection = Rejection(.fillOrKillNotFillable, message)
            parent.note = "fok_not_fillable: \(message)"
            parent.status = .rejected
            parent.completedAt = input.now
            return .rejected(parent)
        }
        guard !plan.allocations.isEmpty else { return .stop(parent) }
        let (toSend, refused) = makeChildren(&parent, plan: plan, decision: parent.decisions.count - 1, input: input)
        return toSend.isEmpty && !refused.isEmpty
            ? .replan(parent, refused: refused) : .send(parent, children: toSend, refused: refused)
    }

    /// The venues the book leaves out by a rule about the account (not their health), with their
    /// best level on the side the order takes and what would unlock them; nil when there are none.
    static func unreachable(_ book: ConsolidatedBook, side: Side) -> [VenueID: RoutingDecision.Unreachable]? {
        var found: [VenueID: RoutingDecision.Unreachable] = [:]
        for status in book.venues where !status.included {
            guard let code = status.code, !ConsolidatedBook.VenueStatus.healthCodes.contains(code),
                let top = side == .buy ? status.bestAsk : status.bestBid
            else { continue }
            found[status.venue] = .init(code: code, price: top.price, quantity: top.quantity, unlock: status.unlock)
        }
        return found.isEmpty ? nil : found
    }

    /// A child per allocation, each cleared by the checks first, net of what the plan already
    /// sends to the same location; appended to the parent. Returns the indices to send and the
    /// venues refused.
    func makeChildren(_ parent: inout ParentOrder, plan: Plan, decision: Int, input: Input) -> (
        toSend: [Int], refused: [VenueID: String]
    ) {
        var toSend: [Int] = []
        var refused: [VenueID: String] = [:]
        var plannedAt: [CustodyLocation: Int64] = [:]
        for allocation in plan.allocations {
            guard let venue = checks.catalog.venue(allocation.venue) else { continue }
            let tif = checks.childTimeInForce(at: venue, parent: parent.timeInForce)
            var child = ChildOrder(
                clientKey: "\(keyPrefix)p\(parent.id)-c\(parent.children.count + 1)", venue: venue.id,
                quantity: allocation.quantity,
                limitPrice: allocation.worstPrice, timeInForce: tif, purpose: .take, decision: decision,
                createdAt: input.now)
            let location = parent.side == .sell ? venue.tokenLocation(parent.symbol) : venue.cashLeg.location
            if let refusal = checks.childRefusal(
                parent, venue: venue, quantity: allocation.quantity, limit: allocation.worstPrice, tif: tif,
                planned: plannedAt[location, default: 0], positions: input.positions, now: input.now)
            {
                child.status = .refused
                child.refusal = refusal
                refused[venue.id] = "refused: \(refusal)"
            } else {
                toSend.append(parent.children.count)
                plannedAt[location, default: 0] +=
                    parent.side == .sell
                    ? allocation.quantity.rawValue
                    : venue.greatestBuyCost(allocation.quantity, at: allocation.worstPrice).rawValue
            }
            parent.children.append(child)
        }
        return (toSend, refused)
    }
}
