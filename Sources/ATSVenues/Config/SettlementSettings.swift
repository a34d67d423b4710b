import ATSDomain

/// The `settlement` section of `config.json`: how the simulated outside world (counterparties,
/// bridges, custodians) behaves. Every key is optional; absent keys take the defaults below.
public struct SettlementSettings: Sendable, Hashable, Codable {
    /// Seeds the four-step simulation (when each bilateral settlement completes, and which fail).
    public var seed: UInt64 = 20_261_122
    /// A four-step trade is settled by the parties this many minutes after the match, drawn
    /// uniformly per execution between the two bounds (Openfinance: "usually within 30 minutes").
    public var fourStepMinimumMinutes: Int = 5
    public var fourStepMaximumMinutes: Int = 30
    /// Of every 10,000 four-step trades, how many the counterparty never settles (they fail at the deadline).
    public var fourStepFailuresPer10000: Int = 200
    /// A chain bridge's delay and fee (paid in dollars from the account's bank balance).
    public var bridgeMinutes: Int = 20
    public var bridgeFee: Money = Money(rawValue: 15 * Money.unit)
    /// A custodian's withdrawal to, or deposit from, the owner's wallet on its chain.
    public var custodianTransferMinutes: Int = 60
    /// What each venue's counterparties (the rest of the market) hold of each listed token, and of
    /// the venue's cash asset, when the ledgers are first opened.
    public var counterpartyInventory: Quantity = Quantity(rawValue: 10_000_000 * Quantity.unit)
    public var counterpartyCash: Money = Money(rawValue: 10_000_000_000 * Money.unit)

    public init() {}

    enum CodingKeys: String, CodingKey {
        case seed, fourStepMinimumMinutes, fourStepMaximumMinutes, fourStepFailuresPer10000, bridgeMinutes, bridgeFee
        case custodianTransferMinutes, counterpartyInventory, counterpartyCash
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        fourStepMinimumMinutes = try container.setting(.fourStepMinimumMinutes, 5, range: 0...10_080)
        fourStepMaximumMinutes = try container.setting(
            .fourStepMaximumMinutes, 30, range: fourStepMinimumMinutes...10_080)
        fourStepFailuresPer10000 = try container.setting(.fourStepFailuresPer10000, 200, range: 0...10_000)
        bridgeMinutes = try container.setting(.bridgeMinutes, 20, range: 0...10_080)
        bridgeFee = try container.decodeIfPresent(Money.self, forKey: .bridgeFee) ?? bridgeFee
        if bridgeFee.isNegative {
            throw DecodingError.dataCorruptedError(
                forKey: .bridgeFee, in: container, debugDescription: "must not be negative")
        }
        custodianTransferMinutes = try container.setting(.custodianTransferMinutes, 60, range: 0...10_080)
        counterpartyInventory =
            try container.decodeIfPresent(Quantity.self, forKey: .counterpartyInventory) ?? counterpartyInventory
        counterpartyCash = try container.decodeIfPresent(Money.self, forKey: .counterpartyCash) ?? counterpartyCash
    }
}
