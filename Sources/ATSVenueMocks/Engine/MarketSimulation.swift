import ATSDomain
import ATSVenues

/// The reference price path every venue's simulation follows: a seeded multiplicative random walk
/// per symbol, shared by all venues so their books move together while differing in level, spread,
/// depth and activity.
public struct ReferencePath: Sendable {
    public let seed: UInt64
    /// Largest step of the walk, in basis points.
    public let maximumStepBps: Int64

    public init(seed: UInt64, maximumStepBps: Int64 = 8) {
        self.seed = seed
        self.maximumStepBps = maximumStepBps
    }
}

/// A venue's background participants: they quote around the reference path with the venue's spread
/// and depth, cancel quotes that drift away, and now and then cross the spread, so the book moves,
/// quotes go stale and liquidity a client saw may be gone when its order arrives.
struct MarketSimulation: Sendable {
    let parameters: VenueDefinition.Simulation
    let path: ReferencePath
    var random: SplitMix64
    /// Live background order ids per symbol (pruned lazily when they are no longer resting).
    var resting: [Symbol: [OrderID]] = [:]
    /// The walk's current factor per symbol, in millionths.
    private var factors: [Symbol: Int64] = [:]
    private var walks: [Symbol: SplitMix64] = [:]

    init(parameters: VenueDefinition.Simulation, path: ReferencePath) {
        self.parameters = parameters
        self.path = path
        random = SplitMix64(seed: parameters.seed)
    }

    /// The simulated mid for a listing now, on its tick grid.
    func mid(for listing: VenueDefinition.Listing) -> Price {
        let factor = factors[listing.symbol] ?? 1_000_000
        let raw = Int128(listing.referencePrice.rawValue) * Int128(factor) / 1_000_000
        let tick = listing.tickSize.rawValue
        return Price(rawValue: max(tick, Int64(raw) / tick * tick))
    }

    /// Moves every symbol's walk one step, identically on every venue with the same path seed.
    mutating func advance(symbols: [Symbol]) {
        for symbol in symbols {
            var walk = walks[symbol] ?? SplitMix64(seed: path.seed ^ fnv1a(symbol.rawValue))
            let maximum = path.maximumStepBps
            let move = Int64(walk.below(UInt64(2 * maximum + 1))) - maximum
            let factor = factors[symbol] ?? 1_000_000
            factors[symbol] = factor + factor * move / 10_000
            walks[symbol] = walk
        }
    }

    /// The background orders for one step on one listing: quotes to add and, sometimes, an order
    /// that crosses the spread.
    mutating func orders(for listing: VenueDefinition.Listing, initial: Bool) -> [(
        side: Side, price: Price, quantity: Quantity, crossing: Bool
    )] {
        let mid = mid(for: listing)
        let tick = listing.tickSize.rawValue
        let halfSpread = max(
            tick, mid.rawValue / 10_000 * parameters.halfSpreadBps.rawValue / BasisPoints.unit / tick * tick)
        let count = initial ? parameters.depthLevels * parameters.ordersPerLevel * 2 : parameters.eventsPerStep
        var result: [(Side, Price, Quantity, Bool)] = []
        for _ in 0..<count {
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let lots = Int64(random.below(3) + 1)
            let quantity = Quantity(rawValue: parameters.orderSize.rawValue * lots)
            let crossing = !initial && random.below(5) == 0
            let price: Int64
            if crossing {
                // Take liquidity a little through the touch.
                let through = halfSpread + Int64(random.below(2)) * tick
                price = side == .buy ? mid.rawValue + through : mid.rawValue - through
            } else {
                let level = Int64(random.below(UInt64(parameters.depthLevels)))
                let distance = halfSpread + level * tick
                price = side == .buy ? mid.rawValue - distance : mid.rawValue + distance
            }
            guard price > 0 else { continue }
            result.append((side, Price(rawValue: price), quantity, crossing))
        }
        return result
    }
}

func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}
