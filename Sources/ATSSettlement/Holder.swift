import ATSDomain
import ATSVenues

/// A party in the ledgers: an investor account, a venue's counterparties (the rest of its
/// market, `street@<venue>`), or a fee collector (`fees@<venue>`, `fees@bridge`).
public struct Holder: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ account: AccountID) { rawValue = account.rawValue }

    public static func counterparty(_ venue: VenueID) -> Holder { Holder(rawValue: "street@\(venue)") }
    public static func fees(_ venue: VenueID) -> Holder { Holder(rawValue: "fees@\(venue)") }
    public static let bridgeFees = Holder(rawValue: "fees@bridge")

    /// An investor account (not a counterparty or a fee collector).
    public var isAccount: Bool { !rawValue.contains("@") }
    public var isFeeCollector: Bool { rawValue.hasPrefix("fees@") }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// What a ledger counts: units of a token, or a cash asset. Written `token:ACME`, `cash:USD`.
public enum LedgerAsset: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    case token(Symbol)
    case cash(CashAsset)

    public init?(_ text: String) {
        if text.hasPrefix("token:"), let symbol = try? Symbol(String(text.dropFirst(6))) {
            self = .token(symbol)
            return
        }
        if text.hasPrefix("cash:"), let cash = CashAsset(rawValue: String(text.dropFirst(5))) {
            self = .cash(cash)
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .token(let symbol): return "token:\(symbol)"
        case .cash(let cash): return "cash:\(cash.rawValue)"
        }
    }

    public var isToken: Bool { if case .token = self { return true } else { return false } }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let asset = LedgerAsset(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not an asset"))
        }
        self = asset
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
