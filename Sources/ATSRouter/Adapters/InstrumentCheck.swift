import ATSDomain
import ATSVenues

/// Compares what a venue publishes about its instruments with `venues/*.json`, which routing uses:
/// a venue that changed a tick, lot or minimum must not be routed to on stale rules.
public enum InstrumentCheck {
    /// Every disagreement, as `venue SYMBOL field: published X, configured Y`; empty when they agree.
    public static func mismatches(_ definition: VenueDefinition, published: [VenueInstrument]) -> [String] {
        var found: [String] = []
        let bySymbol = Dictionary(published.map { ($0.symbol, $0) }, uniquingKeysWith: { first, _ in first })
        for listing in definition.listings {
            let prefix = "\(definition.id) \(listing.symbol)"
            guard let instrument = bySymbol[listing.symbol] else {
                found.append("\(prefix): listed in venues/\(definition.id).json but not published by the venue")
                continue
            }
            func compare<T: Equatable & CustomStringConvertible>(_ field: String, _ published: T?, _ configured: T) {
                if let published, published != configured {
                    found.append("\(prefix) \(field): published \(published), configured \(configured)")
                }
            }
            compare("tickSize", instrument.tickSize, listing.tickSize)
            compare("lotSize", instrument.lotSize, listing.lotSize)
            compare("minimumQuantity", instrument.minimumQuantity, listing.minimumQuantity)
            compare("maximumQuantity", instrument.maximumQuantity, listing.maximumOrderQuantity)
            compare("minimumOrderValue", instrument.minimumOrderValue, listing.minimumOrderValue)
            compare("priceBandPercent", instrument.priceBandPercent, listing.priceBandPercent)
        }
        return found
    }
}
