import ATSDomain

/// A cash pair a venue converts between (`conversions` in `venues/<id>.json`; INX lists USDC/USD):
/// the account pays one asset where the venue keeps it and receives the other where the venue
/// keeps that, at the venue's price, less its fee.
public struct CashConversion: Sendable, Hashable, Codable {
    /// The asset priced (USDC).
    public var base: CashAsset
    /// The asset it is priced in (USD).
    public var quote: CashAsset
    /// Quote units per base unit: the mock's price, and a reference for the router's checks.
    public var price: Price
    /// Charged on what is received, rounded up to the cent's 10⁻⁸.
    public var feeBps: BasisPoints

    public init(base: CashAsset, quote: CashAsset, price: Price, feeBps: BasisPoints) {
        self.base = base
        self.quote = quote
        self.price = price
        self.feeBps = feeBps
    }

    public var pair: String { "\(base.rawValue)/\(quote.rawValue)" }

    /// Whether it converts `from` into `to` (either way round).
    public func converts(_ from: CashAsset, _ to: CashAsset) -> Bool {
        (from == base && to == quote) || (from == quote && to == base)
    }

    /// What `amount` of `from` becomes at `price` with this fee: the gross in the other asset
    /// (rounded down), the fee on it (rounded up) and what is received. Nil when the pair does not
    /// hold `from` or the price is zero.
    public static func outcome(_ amount: Money, from: CashAsset, pair: CashConversion, price: Price) -> (
        gross: Money, fee: Money, received: Money
    )? {
        guard price.isPositive, from == pair.base || from == pair.quote else { return nil }
        let unit = Int128(Price.unit)
        let raw =
            from == pair.base
            ? Int128(amount.rawValue) * Int128(price.rawValue) / unit
            : Int128(amount.rawValue) * unit / Int128(price.rawValue)
        guard let gross = Int64(exactly: raw) else { return nil }
        // basis points at 8 decimals: fee = gross × bps / 10 000, rounded up.
        let denominator = Int128(10_000) * Int128(BasisPoints.unit)
        let feeRaw = (Int128(gross) * Int128(pair.feeBps.rawValue) + denominator - 1) / denominator
        let fee = Int64(feeRaw)
        return (Money(rawValue: gross), Money(rawValue: fee), Money(rawValue: gross - fee))
    }
}

extension VenueDefinition {
    /// Where this venue keeps `asset` for an account: its cash leg's location when the asset can be
    /// kept there, else the stablecoin in the account's wallet on the venue's chain, else dollars at the bank.
    public func cashLocation(of asset: CashAsset) -> CustodyLocation {
        if asset.isKept(at: cashLeg.location) { return cashLeg.location }
        return asset == .usdc ? .wallet(chain: chain) : .bank
    }

    /// The pair converting `from` into `to` here, if the venue lists one.
    public func conversion(from: CashAsset, to: CashAsset) -> CashConversion? {
        (conversions ?? []).first { $0.converts(from, to) }
    }
}
