import ATSVenues
import ATSWire

extension APIViews {
    public static func securities(_ configuration: RouterConfiguration, catalog: VenueCatalog) -> SecurityList {
        SecurityList(
            securities: configuration.securities.map { security in
                let rules = security.transferRules
                return SecurityView(
                    symbol: security.symbol.rawValue, name: security.name, issuer: security.issuer,
                    identifier: security.identifier, exemption: security.exemption.rawValue,
                    holdingPeriod: security.holdingPeriod.description, tokenStandard: security.tokenStandard,
                    chain: security.chain,
                    transferRules: TransferRulesView(
                        restrictedCountries: rules.restrictedCountries, accreditedOnly: rules.accreditedOnly,
                        qualifiedPurchaserOnly: rules.qualifiedPurchaserOnly, maximumHolders: rules.maximumHolders,
                        minimumHolding: rules.minimumHolding?.description,
                        maximumHolding: rules.maximumHolding?.description,
                        flowbackEndsOn: rules.flowbackEndsOn?.description),
                    listings: catalog.venues(listing: security.symbol).map { venue in
                        let listing = venue.listing(security.symbol)!
                        return SecurityListingView(
                            venue: venue.id.rawValue, venueName: venue.name, matching: venue.matching.model.rawValue,
                            settlement: venue.settlement.model.rawValue, cycle: venue.settlement.cycle.rawValue,
                            tokenLocation: venue.tokenLocation(security.symbol).description,
                            cashAsset: venue.cashLeg.asset.rawValue, cashLocation: venue.cashLeg.location.description,
                            tickSize: listing.tickSize.description, lotSize: listing.lotSize.description,
                            minimumQuantity: listing.minimumQuantity.description,
                            minimumOrderValue: listing.minimumOrderValue.description,
                            maximumOrderQuantity: listing.maximumOrderQuantity.description,
                            referencePrice: listing.referencePrice.description)
                    })
            })
    }
}
