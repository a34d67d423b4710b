import ATSDomain

/// Where an asset is kept: an account's self-custody wallet on a chain, a venue's custodian's
/// books, the broker's bank account (fiat), or in transit between two of those.
///
/// Written `wallet:<chain>`, `custodian:<venue>`, `bank` and `transit` in config.json, on the wire
/// and in the journal.
public enum CustodyLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    case wallet(chain: String)
    case custodian(VenueID)
    case bank
    case transit

    public init?(_ text: String) {
        if text == "bank" {
            self = .bank
            return
        }
        if text == "transit" {
            self = .transit
            return
        }
        if text.hasPrefix("wallet:") {
            let chain = String(text.dropFirst("wallet:".count))
            guard !chain.isEmpty,
                chain.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 })
            else { return nil }
            self = .wallet(chain: chain)
            return
        }
        if text.hasPrefix("custodian:"), let venue = try? VenueID(String(text.dropFirst("custodian:".count))) {
            self = .custodian(venue)
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .wallet(let chain): return "wallet:\(chain)"
        case .custodian(let venue): return "custodian:\(venue)"
        case .bank: return "bank"
        case .transit: return "transit"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let location = CustodyLocation(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "\"\(text)\" is not a location (wallet:<chain>, custodian:<venue>, bank)"))
        }
        self = location
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The cash assets settlement moves: US dollars (at a bank or a custodian) and a dollar stablecoin
/// (in wallets on chain).
public enum CashAsset: String, Sendable, Hashable, Comparable, Codable, CaseIterable {
    case usd = "USD"
    case usdc = "USDC"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether this asset can be kept at `location`: dollars at a bank or custodian, the stablecoin in wallets.
    public func isKept(at location: CustodyLocation) -> Bool {
        switch (self, location) {
        case (.usd, .bank), (.usd, .custodian), (.usdc, .wallet): return true
        default: return false
        }
    }
}

extension VenueDefinition {
    /// Where a trade in `symbol` settles its tokens at this venue: the venue custodian's books for
    /// a custodial venue, otherwise the investor's own wallet on the listing's chain (the chain its
    /// issuer chose, at a multi-chain venue such as Rialto) or the venue's.
    public func tokenLocation(_ symbol: Symbol) -> CustodyLocation {
        settlement.model == .custodialBookEntry ? .custodian(id) : .wallet(chain: chain(of: symbol))
    }

    /// The chain `symbol`'s tokens settle on here: the listing's own, else the venue's.
    public func chain(of symbol: Symbol) -> String { listing(symbol)?.chain ?? chain }

    /// The cash leg's asset and where it is paid from or to: the stablecoin on chain for three-step
    /// DvP, dollars at the custodian for book entry, dollars by bank wire between the parties for four-step.
    public var cashLeg: (asset: CashAsset, location: CustodyLocation) {
        switch settlement.model {
        case .threeStep: return (.usdc, .wallet(chain: chain))
        case .custodialBookEntry: return (.usd, .custodian(id))
        case .fourStep: return (.usd, .bank)
        }
    }
}
