import ATSDomain
import ATSVenues
import Foundation
import Hummingbird

/// tZERO's primary-investment endpoints (paths as tZERO publishes them, `/pi/v1`; reply shapes
/// assumed): offerings as "assets", subscriptions as "investments".
enum TZeroOfferings {
    struct Asset: Encodable {
        let assetId: String, symbol: String, pricePerShare: String, lotSize: String, minInvestment: String
        let maxInvestment: String, minRaise: String, maxRaise: String, closeDate: String, status: String
        let amountRaised: String, paymentAsset: String, chain: String, accreditedOnly: Bool
        let qualifiedPurchaserOnly: Bool, regCF: Bool, countries: [String]
    }
    struct InvestmentRequest: Decodable {
        let investmentId: String
        let amount: String
    }
    struct Investment: Encodable {
        let id: String, investmentId: String, assetId: String, symbol: String, amount: String, status: String
        let shares: String, amountAllocated: String, refund: String, issueDate: String?
    }

    static func investment(_ subscription: MockSubscription) -> Investment {
        Investment(
            id: String(subscription.id), investmentId: subscription.key, assetId: subscription.offeringID,
            symbol: subscription.symbol.rawValue, amount: subscription.amount.description,
            status: subscription.status.rawValue.uppercased(), shares: subscription.units.description,
            amountAllocated: subscription.paid.description, refund: subscription.refund.description,
            issueDate: subscription.issuedOn?.description)
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let offerings = context.engine.offerings
        router.get(
            "/pi/v1/assets",
            use: guarded(TZeroDialect.render) { request, _ in
                _ = try await TZeroDialect.authenticate(request, context)
                return json(
                    await offerings.offerings().map { listed in
                        let offering = listed.offering
                        return Asset(
                            assetId: offering.id, symbol: offering.symbol.rawValue,
                            pricePerShare: offering.pricePerUnit.description, lotSize: offering.lotSize.description,
                            minInvestment: offering.minimumInvestment.description,
                            maxInvestment: offering.maximumInvestment.description,
                            minRaise: offering.minimumRaise.description, maxRaise: offering.maximumRaise.description,
                            closeDate: offering.closesOn.description, status: listed.isOpen ? "OPEN" : "CLOSED",
                            amountRaised: listed.subscribed.description, paymentAsset: offering.paymentAsset.rawValue,
                            chain: offering.chain, accreditedOnly: offering.eligibility.accreditedOnly,
                            qualifiedPurchaserOnly: offering.eligibility.qualifiedPurchaserOnly,
                            regCF: offering.eligibility.regulationCrowdfunding,
                            countries: offering.eligibility.allowedCountries)
                    })
            })
        router.post(
            "/pi/v1/assets/{assetId}/investments",
            use: guarded(TZeroDialect.render) { request, requestContext in
                let owner = try await TZeroDialect.authenticate(request, context)
                let body = try await decodeBody(request, as: InvestmentRequest.self)
                guard (1...64).contains(body.investmentId.count) else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "investmentId",
                        "investmentId must be 1 to 64 characters")
                }
                let amount = try decimal(body.amount, Money.self, field: "amount")
                let (made, replayed) = try await offerings.subscribe(
                    offering: requestContext.parameters.get("assetId") ?? "", key: body.investmentId, amount: amount,
                    owner: owner)
                return json(investment(made), status: replayed ? .ok : .created)
            })
        router.get(
            "/pi/v1/investments/{id}",
            use: guarded(TZeroDialect.render) { request, requestContext in
                let owner = try await TZeroDialect.authenticate(request, context)
                guard let id = UInt64(requestContext.parameters.get("id") ?? "") else {
                    throw VenueError(.notFound, "no investment \(requestContext.parameters.get("id") ?? "")")
                }
                return json(investment(try await offerings.subscription(id, owner: owner)))
            })
    }
}

/// Rialto's offerings in its own dialect (the project's design): `/api/v2/offerings`, subscriptions
/// with an `Idempotency-Key`, money as `{amount, currency}`.
enum RialtoOfferings {
    struct OfferingView: Encodable {
        let id: String, security: String, chain: String, unitPrice: RialtoDialect.Amount, lotSize: String
        let minimumInvestment: RialtoDialect.Amount, maximumInvestment: RialtoDialect.Amount
        let minimumRaise: RialtoDialect.Amount, maximumRaise: RialtoDialect.Amount, closesOn: String, state: String
        let raised: RialtoDialect.Amount, accreditedOnly: Bool, qualifiedPurchaserOnly: Bool
        let regulationCrowdfunding: Bool, countries: [String]
        enum CodingKeys: String, CodingKey {
            case id, security, chain, state, raised, countries
            case unitPrice = "unit_price"
            case lotSize = "lot_size"
            case minimumInvestment = "minimum_investment"
            case maximumInvestment = "maximum_investment"
            case minimumRaise = "minimum_raise"
            case maximumRaise = "maximum_raise"
            case closesOn = "closes_on"
            case accreditedOnly = "accredited_only"
            case qualifiedPurchaserOnly = "qualified_purchaser_only"
            case regulationCrowdfunding = "regulation_crowdfunding"
        }
    }
    struct SubscriptionRequest: Decodable {
        let amount: RialtoDialect.Amount
    }
    struct SubscriptionView: Encodable {
        let id: String, idempotencyKey: String, offering: String, security: String, amount: RialtoDialect.Amount
        let state: String, units: String, paid: RialtoDialect.Amount, refund: RialtoDialect.Amount
        let issuedOn: String?
        enum CodingKeys: String, CodingKey {
            case id, offering, security, amount, state, units, paid, refund
            case idempotencyKey = "idempotency_key"
            case issuedOn = "issued_on"
        }
    }

    static func view(_ subscription: MockSubscription) -> SubscriptionView {
        SubscriptionView(
            id: String(subscription.id), idempotencyKey: subscription.key, offering: subscription.offeringID,
            security: subscription.symbol.rawValue, amount: RialtoDialect.usd(subscription.amount),
            state: subscription.status.rawValue, units: subscription.units.description,
            paid: RialtoDialect.usd(subscription.paid), refund: RialtoDialect.usd(subscription.refund),
            issuedOn: subscription.issuedOn?.description)
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let offerings = context.engine.offerings
        router.get(
            "/api/v2/offerings",
            use: guarded(RialtoDialect.render) { request, _ in
                _ = try RialtoDialect.authenticate(request, context)
                return json(
                    await offerings.offerings().map { listed in
                        let offering = listed.offering
                        return OfferingView(
                            id: offering.id, security: offering.symbol.rawValue, chain: offering.chain,
                            unitPrice: RialtoDialect.usd(offering.pricePerUnit), lotSize: offering.lotSize.description,
                            minimumInvestment: RialtoDialect.usd(offering.minimumInvestment),
                            maximumInvestment: RialtoDialect.usd(offering.maximumInvestment),
                            minimumRaise: RialtoDialect.usd(offering.minimumRaise),
                            maximumRaise: RialtoDialect.usd(offering.maximumRaise),
                            closesOn: offering.closesOn.description, state: listed.isOpen ? "open" : "closed",
                            raised: RialtoDialect.usd(listed.subscribed),
                            accreditedOnly: offering.eligibility.accreditedOnly,
                            qualifiedPurchaserOnly: offering.eligibility.qualifiedPurchaserOnly,
                            regulationCrowdfunding: offering.eligibility.regulationCrowdfunding,
                            countries: offering.eligibility.allowedCountries)
                    })
            })
        router.post(
            "/api/v2/offerings/{id}/subscriptions",
            use: guarded(RialtoDialect.render) { request, requestContext in
                let owner = try RialtoDialect.authenticate(request, context)
                guard let key = header(request, "Idempotency-Key"), (1...64).contains(key.count) else {
                    throw VenueError(
                        .badRequest, code: "invalid_request", field: "Idempotency-Key",
                        "send an Idempotency-Key header of 1 to 64 characters")
                }
                let body = try await decodeBody(request, as: SubscriptionRequest.self)
                guard body.amount.currency == "USD" else {
                    throw VenueError(
                        .badRequest, code: "invalid_request", field: "amount.currency", "amounts are in USD")
                }
                let amount = try decimal(body.amount.amount, Money.self, field: "amount.amount")
                let (made, replayed) = try await offerings.subscribe(
                    offering: requestContext.parameters.get("id") ?? "", key: key, amount: amount, owner: owner)
                return json(view(made), status: replayed ? .ok : .created)
            })
        router.get(
            "/api/v2/subscriptions/{id}",
            use: guarded(RialtoDialect.render) { request, requestContext in
                let owner = try RialtoDialect.authenticate(request, context)
                guard let id = UInt64(requestContext.parameters.get("id") ?? "") else {
                    throw VenueError(.notFound, "no subscription \(requestContext.parameters.get("id") ?? "")")
                }
                return json(view(try await offerings.subscription(id, owner: owner)))
            })
    }
}

/// Texture's offerings in its terse style (the project's design: Texture publishes no API here):
/// `/api/v2/offerings`, subscriptions taken with a `clientSubId`.
enum TextureOfferings {
    struct OfferingView: Encodable {
        let offeringId: String, symbol: String, px: String, lot: String, minInvest: String, maxInvest: String
        let minRaise: String, maxRaise: String, closeDate: String, open: Bool, raised: String, payIn: String
        let chain: String, accredited: Bool, qp: Bool, regCF: Bool, countries: [String]
    }
    struct SubscriptionRequest: Decodable {
        let clientSubId: String
        let amount: String
    }
    struct SubscriptionView: Encodable {
        let subId: String, clientSubId: String, offeringId: String, amount: String, state: String, units: String
        let paid: String, refund: String, issueDate: String?
    }

    static func view(_ s: MockSubscription) -> SubscriptionView {
        SubscriptionView(
            subId: String(s.id), clientSubId: s.key, offeringId: s.offeringID, amount: s.amount.description,
            state: s.status.rawValue, units: s.units.description, paid: s.paid.description,
            refund: s.refund.description, issueDate: s.issuedOn?.description)
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let offerings = context.engine.offerings
        router.get(
            "/api/v2/offerings",
            use: guarded(TextureDialect.render) { request, _ in
                _ = try TextureDialect.authenticate(request, context)
                return json(
                    await offerings.offerings().map { listed in
                        let o = listed.offering
                        return OfferingView(
                            offeringId: o.id, symbol: o.symbol.rawValue, px: o.pricePerUnit.description,
                            lot: o.lotSize.description, minInvest: o.minimumInvestment.description,
                            maxInvest: o.maximumInvestment.description, minRaise: o.minimumRaise.description,
                            maxRaise: o.maximumRaise.description, closeDate: o.closesOn.description,
                            open: listed.isOpen, raised: listed.subscribed.description,
                            payIn: o.paymentAsset.rawValue, chain: o.chain, accredited: o.eligibility.accreditedOnly,
                            qp: o.eligibility.qualifiedPurchaserOnly, regCF: o.eligibility.regulationCrowdfunding,
                            countries: o.eligibility.allowedCountries)
                    })
            })
        router.post(
            "/api/v2/offerings/{id}/subscriptions",
            use: guarded(TextureDialect.render) { request, requestContext in
                let owner = try TextureDialect.authenticate(request, context)
                let body = try await decodeBody(request, as: SubscriptionRequest.self)
                guard (1...64).contains(body.clientSubId.count) else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "clientSubId",
                        "clientSubId must be 1 to 64 characters")
                }
                let amount = try decimal(body.amount, Money.self, field: "amount")
                let (made, replayed) = try await offerings.subscribe(
                    offering: requestContext.parameters.get("id") ?? "", key: body.clientSubId, amount: amount,
                    owner: owner)
                return json(view(made), status: replayed ? .ok : .created)
            })
        router.get(
            "/api/v2/subscriptions/{id}",
            use: guarded(TextureDialect.render) { request, requestContext in
                let owner = try TextureDialect.authenticate(request, context)
                guard let id = UInt64(requestContext.parameters.get("id") ?? "") else {
                    throw VenueError(.notFound, "no subscription \(requestContext.parameters.get("id") ?? "")")
                }
                return json(view(try await offerings.subscription(id, owner: owner)))
            })
    }
}

/// Securitize's offerings (the project's design, in its `/v1` style): `/v1/offerings`, investments
/// taken with an `externalId`.
enum SecuritizeOfferings {
    struct OfferingView: Encodable {
        let id: String, assetId: String, unitPrice: String, lotSize: String, minimumInvestment: String
        let maximumInvestment: String, minimumRaise: String, maximumRaise: String, closesOn: String
        let status: String, committed: String, currency: String, network: String, accreditedOnly: Bool
        let qualifiedPurchaserOnly: Bool, regulationCrowdfunding: Bool, jurisdictions: [String]
    }
    struct InvestmentRequest: Decodable {
        let externalId: String
        let amount: String
    }
    struct InvestmentView: Encodable {
        let id: String, externalId: String, offeringId: String, amount: String, status: String, units: String
        let paid: String, refunded: String, issuedOn: String?
    }

    static func view(_ s: MockSubscription) -> InvestmentView {
        InvestmentView(
            id: String(s.id), externalId: s.key, offeringId: s.offeringID, amount: s.amount.description,
            status: s.status.rawValue, units: s.units.description, paid: s.paid.description,
            refunded: s.refund.description, issuedOn: s.issuedOn?.description)
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let offerings = context.engine.offerings
        router.get(
            "/v1/offerings",
            use: guarded(SecuritizeDialect.render) { request, _ in
                _ = try SecuritizeDialect.authenticate(request, context)
                return json(
                    await offerings.offerings().map { listed in
                        let o = listed.offering
                        return OfferingView(
                            id: o.id, assetId: o.symbol.rawValue, unitPrice: o.pricePerUnit.description,
                            lotSize: o.lotSize.description, minimumInvestment: o.minimumInvestment.description,
                            maximumInvestment: o.maximumInvestment.description,
                            minimumRaise: o.minimumRaise.description, maximumRaise: o.maximumRaise.description,
                            closesOn: o.closesOn.description, status: listed.isOpen ? "open" : "closed",
                            committed: listed.subscribed.description, currency: o.paymentAsset.rawValue,
                            network: o.chain, accreditedOnly: o.eligibility.accreditedOnly,
                            qualifiedPurchaserOnly: o.eligibility.qualifiedPurchaserOnly,
                            regulationCrowdfunding: o.eligibility.regulationCrowdfunding,
                            jurisdictions: o.eligibility.allowedCountries)
                    })
            })
        router.post(
            "/v1/offerings/{id}/investments",
            use: guarded(SecuritizeDialect.render) { request, requestContext in
                let owner = try SecuritizeDialect.authenticate(request, context)
                let body = try await decodeBody(request, as: InvestmentRequest.self)
                guard (1...64).contains(body.externalId.count) else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "externalId", "externalId must be 1 to 64 characters"
                    )
                }
                let amount = try decimal(body.amount, Money.self, field: "amount")
                let (made, replayed) = try await offerings.subscribe(
                    offering: requestContext.parameters.get("id") ?? "", key: body.externalId, amount: amount,
                    owner: owner)
                return json(view(made), status: replayed ? .ok : .created)
            })
        router.get(
            "/v1/investments/{id}",
            use: guarded(SecuritizeDialect.render) { request, requestContext in
                let owner = try SecuritizeDialect.authenticate(request, context)
                guard let id = UInt64(requestContext.parameters.get("id") ?? "") else {
                    throw VenueError(.notFound, "no investment \(requestContext.parameters.get("id") ?? "")")
                }
                return json(view(try await offerings.subscription(id, owner: owner)))
            })
    }
}
