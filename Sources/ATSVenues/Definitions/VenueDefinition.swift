import ATSDomain

/// One venue as `venues/<id>.json` describes it: who runs it, how it matches, when it trades, what
/// it lists and on which terms, who may trade there, how trades settle, and how its mock behaves.
public struct VenueDefinition: Sendable, Hashable, Codable {
    public var id: VenueID
    public var name: String
    public var regulator: String
    /// ISO 3166-1 alpha-2 country of the venue's regulation.
    public var jurisdiction: String
    public var matching: Matching
    /// The IANA time zone the sessions are stated in.
    public var timeZone: String
    /// Trading sessions; empty means open around the clock, every day.
    public var sessions: [Session]
    public var orderTypes: [OrderType.Kind]
    public var timeInForce: [TimeInForce.Kind]
    public var listings: [Listing]
    public var fees: Fees
    public var eligibility: Eligibility
    public var settlement: Settlement
    public var chain: String
    public var dialect: Dialect
    public var rateLimit: RateLimit
    public var simulation: Simulation
    /// The primary offerings the venue runs beside its secondary books (none when absent).
    public var offerings: [Offering]?
    /// Cash pairs the venue converts between (INX: USDC/USD); absent, none.
    public var conversions: [CashConversion]?
    /// Keys (dotted paths) whose values are modelling assumptions rather than documented facts.
    /// What the venue discloses of how it works, as a Form ATS-N would (most of these venues file the
    /// confidential Form ATS): what the router relies on, with sources.
    public var disclosures: Disclosures?
    public var assumptions: [String]
    /// Where the documented values come from.
    public var sources: [String]

    public struct Matching: Sendable, Hashable, Codable {
        public var model: MatchingModelName
        /// For a periodic call auction: when it uncrosses.
        public var auction: AuctionSchedule?
    }

    public enum MatchingModelName: String, Sendable, Hashable, Codable {
        case continuous
        case callAuction = "call_auction"
    }

    /// Auctions every `intervalMinutes` from `first` to `last` (local times, inclusive) on session days.
    public struct AuctionSchedule: Sendable, Hashable, Codable {
        public var intervalMinutes: Int
        public var first: LocalTime
        public var last: LocalTime
    }

    public struct Session: Sendable, Hashable, Codable {
        /// The venue's own name for the session (tZERO: PRE, CORE, POST).
        public var name: String
        public var start: LocalTime
        public var end: LocalTime
        public var days: [Weekday]
    }

    /// Trading terms of one security at this venue.
    public struct Listing: Sendable, Hashable, Codable {
        public var symbol: Symbol
        public var tickSize: Price
        public var lotSize: Quantity
        public var minimumQuantity: Quantity
        public var minimumOrderValue: Money
        public var maximumOrderQuantity: Quantity
        /// Orders priced more than this percentage away from the reference price are refused.
        public var priceBandPercent: BasisPoints
        /// The reference price the band and the simulation start from.
        public var referencePrice: Price
        /// The chain this security's issuer chose, where the venue settles it when that is not
        /// the venue's own chain (a multi-chain venue such as Rialto Markets); nil: the venue's.
        public var chain: String?
    }

    /// Fees on a child order's executed notional, in basis points, plus a fixed amount per order.
    /// The total rate is the taker (or maker) rate, plus the buyer or seller rate, plus commission and tax.
    public struct Fees: Sendable, Hashable, Codable {
        public var takerBps: BasisPoints
        public var makerBps: BasisPoints
        public var buyerBps: BasisPoints
        public var sellerBps: BasisPoints
        public var commissionBps: BasisPoints
        public var taxBps: BasisPoints
        public var fixedPerOrder: Money
        /// Fees paid in the venue's own token at a discount (INX): the broker-dealer's standing
        /// election, so the taker and maker rates charged are the published ones less the discount.
        public var paidInVenueToken: VenueTokenPayment?

        /// The taker rate charged: the published rate, less the venue-token discount when elected.
        public var taker: BasisPoints { discounted(takerBps) }
        /// The maker rate charged, likewise.
        public var maker: BasisPoints { discounted(makerBps) }

        func discounted(_ rate: BasisPoints) -> BasisPoints {
            guard let payment = paidInVenueToken else { return rate }
            // rate × (100 − discount) / 100, rounded down to the unit: the venue's own rounding.
            let keep = Int128(100 * BasisPoints.unit - payment.discountPercent.rawValue)
            return BasisPoints(rawValue: Int64(Int128(rate.rawValue) * keep / Int128(100 * BasisPoints.unit)))
        }
    }

    /// Fees settled in the venue's token instead of cash, at a discount on the taker and maker rates.
    public struct VenueTokenPayment: Sendable, Hashable, Codable {
        /// The token fees are paid in (INX: the INX token).
        public var token: String
        /// The discount on the rate, in percent (INX publishes at least 10 %).
        public var discountPercent: BasisPoints
    }

    /// Form ATS-N-style disclosures: order types, priority, fees, segmentation, who may subscribe.
    public struct Disclosures: Sendable, Hashable, Codable {
        /// What the venue files (Form ATS, ATS-N) or why Regulation ATS does not apply.
        public var filing: String
        public var orderTypes: String
        public var priority: String
        public var fees: String
        public var segmentation: String
        /// Who may subscribe: the venue's access standards.
        public var access: String
        /// Whether Regulation ATS's fair-access rule (301(b)(5)) can apply to it.
        public var fairAccessApplies: Bool
        public var sources: [String]
    }

    /// Who may trade here.
    public struct Eligibility: Sendable, Hashable, Codable {
        public var accreditedOnly: Bool
        public var qualifiedPurchaserOnly: Bool
        public var professionalOnly: Bool
        /// US persons must be accredited even where others need not be (Openfinance).
        public var usPersonsMustBeAccredited: Bool
        public var nonUSPersonsOnly: Bool
        public var kycRequired: Bool
        /// ISO alpha-2 countries allowed; empty allows all not denied.
        public var allowedCountries: [String]
        public var deniedCountries: [String]
        /// Seconds the venue (its mock) takes to review an onboarding application; 2 when absent.
        public var onboardingReviewSeconds: Int?
    }

    public struct Settlement: Sendable, Hashable, Codable {
        public var model: SettlementModel
        public var cycle: SettlementCycle
        /// For four-step settlement: hours the parties have to settle before it fails.
        public var deadlineHours: Int?
    }

    public enum SettlementModel: String, Sendable, Hashable, Codable {
        case threeStep = "three_step"
        case fourStep = "four_step"
        case custodialBookEntry = "custodial_book_entry"
    }

    public enum SettlementCycle: String, Sendable, Hashable, Codable {
        case atomicT0 = "T+0 atomic"
        case t0 = "T+0"
        case t1 = "T+1"
    }

    public enum Dialect: String, Sendable, Hashable, Codable {
        case texture, tzero, openfinance, archax, securitize, inx, rialto
    }

    public struct RateLimit: Sendable, Hashable, Codable {
        public var requestsPerSecond: Int
        public var burst: Int
        /// A limit over every request in a minute, market data included (INX: 100), where the venue
        /// publishes one; the per-second limit then applies to every request too.
        public var requestsPerMinute: Int?

        public init(requestsPerSecond: Int, burst: Int, requestsPerMinute: Int? = nil) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
            self.requestsPerMinute = requestsPerMinute
        }
    }

    /// The mock venue's market simulation.
    public struct Simulation: Sendable, Hashable, Codable {
        public var seed: UInt64
        /// Half the quoted spread around the reference path, in basis points.
        public var halfSpreadBps: BasisPoints
        /// Price levels quoted on each side.
        public var depthLevels: Int
        /// Background orders per level.
        public var ordersPerLevel: Int
        /// Typical background order size.
        public var orderSize: Quantity
        /// Background events per simulation step.
        public var eventsPerStep: Int
    }

    /// The listing of `symbol`, if this venue lists it.
    public func listing(_ symbol: Symbol) -> Listing? { listings.first { $0.symbol == symbol } }
}

/// A wall-clock time of day, `HH:MM`, in a venue's time zone.
public struct LocalTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let minutesAfterMidnight: Int

    public init(hour: Int, minute: Int) { minutesAfterMidnight = hour * 60 + minute }

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 24 * 60
        else { return nil }
        minutesAfterMidnight = hour * 60 + minute
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.minutesAfterMidnight < rhs.minutesAfterMidnight }

    public var description: String {
        let hour = minutesAfterMidnight / 60
        let minute = minutesAfterMidnight % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = LocalTime(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "\"\(text)\" is not a time of day HH:MM from 00:00 to 24:00"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable {
    case sun, mon, tue, wed, thu, fri, sat

    /// Weekdays Monday to Friday.
    public static let workdays: [Weekday] = [.mon, .tue, .wed, .thu, .fri]
}
