import ATSDomain
import ATSRouter
import ATSStorage
import ATSVenues
import ATSWire

extension APIViews {
    public static func offering(
        _ listed: VenueOffering, venue: VenueDefinition?, security: Security?, refusal: Rejection?
    )
        -> OfferingView
    {
        let offering = listed.offering
        let delivered: CustodyLocation =
            venue?.settlement.model == .custodialBookEntry ? .custodian(listed.venue) : .wallet(chain: offering.chain)
        return OfferingView(
            venue: listed.venue.rawValue, id: offering.id, symbol: offering.symbol.rawValue,
            pricePerUnit: offering.pricePerUnit.description, lotSize: offering.lotSize.description,
            minimumInvestment: offering.minimumInvestment.description,
            maximumInvestment: offering.maximumInvestment.description,
            minimumRaise: offering.minimumRaise.description, maximumRaise: offering.maximumRaise.description,
            raised: listed.raised.description, closesOn: offering.closesOn.description, open: listed.isOpen,
            paymentAsset: offering.paymentAsset.rawValue, chain: offering.chain, deliveredTo: delivered.description,
            accreditedOnly: offering.eligibility.accreditedOnly,
            qualifiedPurchaserOnly: offering.eligibility.qualifiedPurchaserOnly,
            regulationCrowdfunding: offering.eligibility.regulationCrowdfunding,
            allowedCountries: offering.eligibility.allowedCountries,
            holdingPeriod: security?.holdingPeriod.description ?? "unknown",
            refusal: refusal.map { RejectionView(code: $0.code.rawValue, message: $0.message) })
    }

    public static func subscription(_ subscription: Subscription, events: [SubscriptionEventRow]? = nil)
        -> SubscriptionView
    {
        SubscriptionView(
            id: "\(subscription.id)", clientSubscriptionId: subscription.clientSubscriptionId,
            account: subscription.account.rawValue, venue: subscription.venue.rawValue,
            offering: subscription.offering.id, symbol: subscription.symbol.rawValue,
            amount: subscription.amount.description, pricePerUnit: subscription.offering.pricePerUnit.description,
            status: subscription.status.rawValue, venueSubscriptionId: subscription.venueSubscriptionID,
            units: subscription.units.description, paid: subscription.paid.description,
            refund: subscription.refund.description, issuedOn: subscription.issuedOn?.description,
            closesOn: subscription.offering.closesOn.description,
            deliveredTo: subscription.legs.tokenLocation.description,
            rejection: subscription.rejection.map { RejectionView(code: $0.code.rawValue, message: $0.message) },
            createdAt: subscription.createdAt.description, updatedAt: subscription.updatedAt.description,
            events: events?.map {
                SubscriptionEventView(
                    kind: $0.kind, detail: $0.detail, at: Timestamp(nanosecondsSinceEpoch: $0.at).description)
            })
    }

    public static func comparison(_ c: OfferingComparison) -> OfferingComparisonView {
        func route(_ r: OfferingComparison.Route) -> AcquisitionView {
            AcquisitionView(
                units: r.units.description, cost: r.cost.description, fees: r.fees.description,
                pricePerUnit: r.pricePerUnit?.description, venues: r.venues.map(\.rawValue),
                deliveredOn: r.deliveredOn.description, resalableFrom: r.resalableFrom.description)
        }
        return OfferingComparisonView(
            venue: c.venue.rawValue, offering: c.offering.id, symbol: c.offering.symbol.rawValue,
            amount: c.amount.description, better: c.better.rawValue, reasons: c.reasons, primary: route(c.primary),
            secondary: c.secondary.map(route))
    }

    public static func conversion(_ c: CashConversionRecord) -> ConversionView {
        ConversionView(
            id: "\(c.id)", account: c.account.rawValue, venue: c.venue.rawValue, from: c.from.rawValue,
            fromLocation: c.fromLocation.description, to: c.to.rawValue, toLocation: c.toLocation.description,
            amount: c.amount.description, status: c.status.rawValue, price: c.price?.description,
            fee: c.fee?.description, received: c.received?.description,
            rejection: c.rejection.map { RejectionView(code: $0.code.rawValue, message: $0.message) },
            createdAt: c.createdAt.description, updatedAt: c.updatedAt.description,
            orderId: c.parentOrderId.map { "\($0)" })
    }
}
