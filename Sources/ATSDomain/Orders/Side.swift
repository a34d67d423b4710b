/// Which way an order trades.
public enum Side: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case buy
    case sell

    /// The side an order of this side trades against.
    @inlinable public var opposite: Side { self == .buy ? .sell : .buy }

    /// Parses `buy`/`sell` in any letter case.
    public init?(caseInsensitive text: String) {
        switch text.lowercased() {
        case "buy": self = .buy
        case "sell": self = .sell
        default: return nil
        }
    }

    public var description: String { rawValue }
}

/// What an order is allowed to trade at.
public enum OrderType: Sendable, Hashable, CustomStringConvertible {
    /// Trades at any price the book offers; never rests.
    case market
    /// Trades at `limit` or better; what does not trade may rest at `limit`.
    case limit(Price)
    /// Becomes a market order once the last trade reaches `trigger` (at or above for a buy, at or below for a sell).
    case stop(trigger: Price)
    /// Becomes a limit order at `limit` once the last trade reaches `trigger`.
    case stopLimit(trigger: Price, limit: Price)

    /// The limit price, if the order has one.
    public var limitPrice: Price? {
        switch self {
        case .limit(let price), .stopLimit(_, let price): return price
        case .market, .stop: return nil
        }
    }

    /// The stop trigger, if the order has one.
    public var triggerPrice: Price? {
        switch self {
        case .stop(let trigger), .stopLimit(let trigger, _): return trigger
        case .market, .limit: return nil
        }
    }

    /// The type's name as venues and the API spell it.
    public var kind: Kind {
        switch self {
        case .market: return .market
        case .limit: return .limit
        case .stop: return .stop
        case .stopLimit: return .stopLimit
        }
    }

    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case market, limit, stop, stopLimit = "stop_limit"
    }

    public var description: String {
        switch self {
        case .market: return "market"
        case .limit(let price): return "limit \(price)"
        case .stop(let trigger): return "stop \(trigger)"
        case .stopLimit(let trigger, let limit): return "stop \(trigger) limit \(limit)"
        }
    }
}

/// How long an order stays working.
public enum TimeInForce: Sendable, Hashable, CustomStringConvertible {
    /// Until the end of the trading day.
    case day
    /// Until cancelled.
    case goodTillCancelled
    /// Until the given time.
    case goodTillDate(Timestamp)
    /// Trade what can be traded now; cancel the rest.
    case immediateOrCancel
    /// Trade all of it now, or none of it.
    case fillOrKill

    public var kind: Kind {
        switch self {
        case .day: return .day
        case .goodTillCancelled: return .gtc
        case .goodTillDate: return .gtd
        case .immediateOrCancel: return .ioc
        case .fillOrKill: return .fok
        }
    }

    /// Whether an unfilled remainder may rest in a book.
    public var canRest: Bool {
        switch self {
        case .day, .goodTillCancelled, .goodTillDate: return true
        case .immediateOrCancel, .fillOrKill: return false
        }
    }

    public var expiry: Timestamp? {
        if case .goodTillDate(let time) = self { return time }
        return nil
    }

    /// The names venues and the API use: `DAY`, `GTC`, `GTD`, `IOC`, `FOK`.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case day = "DAY", gtc = "GTC", gtd = "GTD", ioc = "IOC", fok = "FOK"

        /// Parses a name in any letter case.
        public init?(caseInsensitive text: String) {
            self.init(rawValue: text.uppercased())
        }
    }

    public var description: String {
        if case .goodTillDate(let time) = self { return "GTD \(time)" }
        return kind.rawValue
    }
}
