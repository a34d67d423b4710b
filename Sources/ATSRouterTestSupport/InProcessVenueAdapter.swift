import ATSDomain
import ATSMatching
import ATSOrders
import ATSPlanning
import ATSRouter
import ATSVenueMocks
import ATSVenues

/// A venue adapter that calls a ``VenueEngine`` in the same process instead of its HTTP dialect:
/// router flows run against the same books, rules, idempotent keys and fees as over a socket, in
/// microseconds and with nothing on the network. For tests of routing; where the network is the
/// point (dialects, timeouts, faults) the socket tests stay.
public struct InProcessVenueAdapter: VenueAdapter {
    public let engine: VenueEngine
    public let definition: VenueDefinition
    /// Whose orders these are at the venue (an account's session, as a dialect's credentials name it).
    public let owner: String

    public init(engine: VenueEngine, definition: VenueDefinition, owner: String = "in-process") {
        self.engine = engine
        self.definition = definition
        self.owner = owner
    }

    public var venue: VenueID { definition.id }

    public func instruments() async throws -> [VenueInstrument] {
        definition.listings.map {
            VenueInstrument(
                symbol: $0.symbol, tickSize: $0.tickSize, lotSize: $0.lotSize, minimumQuantity: $0.minimumQuantity,
                maximumQuantity: $0.maximumOrderQuantity, minimumOrderValue: $0.minimumOrderValue,
                priceBandPercent: $0.priceBandPercent, referencePrice: $0.referencePrice)
        }
    }

    public func book(_ symbol: Symbol, levels: Int, since: UInt64?) async throws -> BookPoll {
        let depth = try await call { try await engine.book(symbol) }.depth(levels: levels)
        if let since, since == depth.sequence { return .unchanged(sequence: depth.sequence) }
        return .changed(
            sequence: depth.sequence, bids: depth.bids.map { PlanLevel(price: $0.price, quantity: $0.quantity) },
            asks: depth.asks.map { PlanLevel(price: $0.price, quantity: $0.quantity) })
    }

    public func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState {
        let timeInForce: TimeInForce
        switch child.timeInForce {
        case .ioc: timeInForce = .immediateOrCancel
        case .fok: timeInForce = .fillOrKill
        case .day: timeInForce = .day
        case .gtc, .gtd: timeInForce = .goodTillCancelled
        }
        let request = VenueOrderRequest(
            clientKey: child.clientKey, symbol: child.symbol, side: child.side, type: .limit,
            limitPrice: child.limitPrice,
            quantity: child.quantity, timeInForce: timeInForce)
        return Self.state(try await call { try await engine.submit(request, owner: owner) }.order)
    }

    public func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        let id = try orderID(venueOrderID)
        return Self.state(try await call { try await engine.order(id, owner: owner) })
    }

    public func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        let id = try orderID(venueOrderID)
        return Self.state(try await call { try await engine.cancel(id, owner: owner) })
    }

    public func indicative(_ symbol: Symbol) async throws -> AuctionIndicative? {
        guard definition.matching.model != .continuous else { return nil }
        let indication = try await call { try await engine.book(symbol) }.indicativeUncross()
        return AuctionIndicative(
            price: indication?.price, matchedQuantity: indication?.matchedVolume ?? .zero, nextAuction: nil)
    }

    /// The engine's order as the router's shared model.
    static func state(_ order: VenueOrder) -> VenueOrderState {
        let status: VenueOrderState.Status
        switch order.status {
        case .open: status = .open
        case .partiallyFilled: status = .partiallyFilled
        case .filled: status = .filled
        case .cancelled: status = .cancelled
        case .expired: status = .expired
        }
        return VenueOrderState(
            venueOrderID: order.id.description, clientKey: order.clientKey, status: status, quantity: order.quantity,
            filledQuantity: order.filledQuantity, averagePrice: order.averagePrice, fees: order.totalCharges,
            fills: order.fills.map {
                VenueFill(
                    id: $0.id, quantity: $0.quantity, price: $0.price,
                    fee: Money(rawValue: $0.fee.rawValue + $0.commission.rawValue + $0.tax.rawValue))
            })
    }

    private func orderID(_ text: String) throws -> OrderID {
        guard let id = try? OrderID(parsing: text) else {
            throw VenueFailure(venue: venue, kind: .notRetryable, code: "not_found", message: "no order \(text)")
        }
        return id
    }

    /// The engine's refusals classified as a dialect's HTTP statuses would be.
    private func call<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as VenueError {
            let kind: VenueFailure.Kind
            switch error.kind {
            case .unauthorized: kind = .fatal
            case .rateLimited: kind = .retryable
            case .badRequest, .notFound, .conflict, .rejected, .notCancellable: kind = .notRetryable
            }
            throw VenueFailure(venue: venue, kind: kind, code: error.code, message: error.message, field: error.field)
        } catch {
            throw VenueFailure(venue: venue, kind: .retryable, code: "unreachable", message: "\(error)")
        }
    }
}

extension InProcessVenueAdapter: OfferingVenue {
    public func offerings() async throws -> [VenueOffering] {
        await engine.offerings.offerings().map {
            VenueOffering(venue: venue, offering: $0.offering, isOpen: $0.isOpen, raised: $0.subscribed)
        }
    }

    public func subscribe(offering: String, key: String, amount: Money) async throws -> VenueSubscription {
        Self.subscription(
            try await call {
                try await engine.offerings.subscribe(offering: offering, key: key, amount: amount, owner: owner)
            }
            .subscription)
    }

    public func subscription(_ venueSubscriptionID: String) async throws -> VenueSubscription {
        guard let id = UInt64(venueSubscriptionID) else {
            throw VenueFailure(
                venue: venue, kind: .notRetryable, code: "not_found", message: "no subscription \(venueSubscriptionID)")
        }
        return Self.subscription(try await call { try await engine.offerings.subscription(id, owner: owner) })
    }

    static func subscription(_ made: MockSubscription) -> VenueSubscription {
        let status: VenueSubscription.Status =
            switch made.status {
            case .pending: .pending
            case .allocated: .allocated
            case .refunded: .refunded
            }
        return VenueSubscription(
            id: String(made.id), key: made.key, offering: made.offeringID, status: status, amount: made.amount,
            units: made.units, paid: made.paid, refund: made.refund, issuedOn: made.issuedOn)
    }
}

extension InProcessVenueAdapter: CashConverter {
    public func convert(key: String, from: CashAsset, to: CashAsset, amount: Money) async throws -> VenueConversion {
        let made = try await call {
            try await engine.conversions.convert(key: key, from: from, to: to, amount: amount, owner: owner)
        }.conversion
        return VenueConversion(
            id: String(made.id), key: made.key, from: made.from, to: made.to, amount: made.amount, price: made.price,
            fee: made.fee, received: made.received)
    }
}

extension InProcessVenueAdapter: OnboardingVenue {
    public func fileOnboarding(key: String, applicant: OnboardingApplicant) async throws -> VenueApplication {
        Self.application(
            try await call { try await engine.onboarding.file(key: key, applicant: applicant, owner: owner) }
                .application)
    }

    public func onboardingApplication(_ id: String) async throws -> VenueApplication {
        let id = try applicationID(id)
        return Self.application(try await call { try await engine.onboarding.application(id, owner: owner) })
    }

    public func supplementOnboarding(_ id: String, applicant: OnboardingApplicant) async throws -> VenueApplication {
        let id = try applicationID(id)
        return Self.application(
            try await call { try await engine.onboarding.supplement(id, applicant: applicant, owner: owner) })
    }

    private func applicationID(_ text: String) throws -> UInt64 {
        guard let id = UInt64(text) else {
            throw VenueFailure(venue: venue, kind: .notRetryable, code: "not_found", message: "no application \(text)")
        }
        return id
    }

    static func application(_ made: MockApplication) -> VenueApplication {
        VenueApplication(id: String(made.id), key: made.key, status: made.status, reason: made.reason)
    }
}
