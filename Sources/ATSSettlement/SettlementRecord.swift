import ATSDomain
import ATSVenues

/// One execution's settlement: its instruction(s) under the venue's model and where it stands.
///
/// `pending` (recorded from the fill) → `instructed` (both legs earmarked; for four-step the
/// parties notified, with the venue's deadline) → `settled` (tokens and cash moved, the transfer
/// agent told) or `failed` (nothing moved, earmarks released, the reason and the close-out named).
public struct SettlementRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, instructed, settled, failed
        public var isTerminal: Bool { self == .settled || self == .failed }
    }

    public struct Step: Sendable, Hashable, Codable {
        public var status: Status
        public var at: Timestamp
        public var note: String
    }

    public struct Failure: Sendable, Hashable, Codable {
        /// A rule code (`insufficient_holding`, `maximum_holders_reached`, …) or `counterparty_fail`, `insufficient_cash`.
        public var code: String
        /// The DS Protocol `preTransferCheck` code, where the failure is a token transfer rule.
        public var dsProtocolCode: Int?
        public var reason: String
        /// What happened to the trade: how it was closed out.
        public var closeOut: String
    }

    public var id: Int64
    public var venue: VenueID
    public var fillId: String
    public var orderId: UInt64
    public var childKey: String
    public var account: AccountID
    public var counterparty: Holder
    public var symbol: Symbol
    public var side: Side
    public var quantity: Quantity
    public var price: Price
    public var notional: Money
    public var fee: Money
    public var model: VenueDefinition.SettlementModel
    public var cycle: VenueDefinition.SettlementCycle
    public var tokenLocation: CustodyLocation
    public var cashAsset: CashAsset
    public var cashLocation: CustodyLocation
    public var status: Status
    public var tradedAt: Timestamp
    /// When the legs move (T+0: at the match; T+1: the next business day; four-step: when the parties settle).
    public var dueAt: Timestamp
    /// Four-step: the venue's deadline, after which an unsettled trade fails.
    public var deadlineAt: Timestamp?
    public var settledAt: Timestamp?
    public var failure: Failure?
    /// What the simulated outside world's draws for this settlement are keyed on (four-step timing
    /// and fails): the venue, the order, the child's number and the fill's position in it — not the
    /// venue's fill id, so that a replay of the same session draws the same.
    public var simulationKey: String
    public var steps: [Step]
    /// The custody transfer that moved a buy's tokens on to the account's designated custody.
    public var transferId: Int64?

    /// The cash the account pays (buy) or receives (sell) net of the fee.
    public var netCash: Money {
        Money(rawValue: side == .buy ? -(notional.rawValue + fee.rawValue) : notional.rawValue - fee.rawValue)
    }
}

/// Tokens moved between two of one holder's locations (custodian to wallet, chain to chain,
/// wallet to custodian), one hop at a time. Ownership does not change, so the transfer agent is
/// not told.
public struct CustodyTransfer: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case pending
        case inFlight = "in_flight"
        case completed, failed
        public var isTerminal: Bool { self == .completed || self == .failed }
    }

    public enum HopKind: String, Sendable, Hashable, Codable {
        /// Out of a custodian's books to the owner's wallet on its chain.
        case withdrawal
        /// A chain bridge: burn on one chain, mint on the other, after a delay and for a fee.
        case bridge
        /// From the owner's wallet into a custodian's books.
        case deposit
    }

    public struct Hop: Sendable, Hashable, Codable {
        public var kind: HopKind
        public var from: CustodyLocation
        public var to: CustodyLocation
        public var minutes: Int
        public var fee: Money
        public var startedAt: Timestamp?
        public var arrivesAt: Timestamp?
        public var completedAt: Timestamp?
    }

    public var id: Int64
    public var account: AccountID
    public var symbol: Symbol
    public var quantity: Quantity
    public var from: CustodyLocation
    public var to: CustodyLocation
    /// Why: the settlement whose tokens it consolidates, or a request to position tokens for a sale.
    public var settlementId: Int64?
    /// The order that moves them to sell them (transfer-then-sell, an order with `allowTransfers`).
    public var parentOrderId: Int64?
    public var reason: String
    public var status: Status
    public var hops: [Hop]
    /// The hop under way (or next); `hops.count` once completed.
    public var currentHop: Int
    public var createdAt: Timestamp
    public var completedAt: Timestamp?
    public var failure: String?

    /// The hops from one location to another: out of a custodian to its chain, across a bridge,
    /// into a custodian (none when no route exists: a bank, transit, or the same place).
    public static func route(
        from: CustodyLocation, to: CustodyLocation, catalog: VenueCatalog, settings: SettlementSettings
    ) -> [Hop] {
        func chain(_ location: CustodyLocation) -> String? {
            switch location {
            case .wallet(let chain): return chain
            case .custodian(let venue): return catalog.venue(venue)?.chain
            case .bank, .transit: return nil
            }
        }
        guard from != to, let destinationChain = chain(to) else { return [] }
        var hops: [Hop] = []
        var here = from
        if case .custodian = here, let onChain = chain(here) {
            hops.append(
                Hop(
                    kind: .withdrawal, from: here, to: .wallet(chain: onChain),
                    minutes: settings.custodianTransferMinutes, fee: .zero))
            here = .wallet(chain: onChain)
        }
        if case .wallet(let current) = here, current != destinationChain {
            hops.append(
                Hop(
                    kind: .bridge, from: here, to: .wallet(chain: destinationChain), minutes: settings.bridgeMinutes,
                    fee: settings.bridgeFee))
            here = .wallet(chain: destinationChain)
        }
        if case .custodian = to, here != to {
            hops.append(Hop(kind: .deposit, from: here, to: to, minutes: settings.custodianTransferMinutes, fee: .zero))
        }
        return hops
    }

    /// Where the tokens are now.
    public var location: CustodyLocation {
        if status == .inFlight { return .transit }
        return currentHop < hops.count ? hops[currentHop].from : to
    }
}

/// The codes settlement itself gives (a token's transfer rule refuses with the rule's own
/// `RejectCode`): on a failed settlement (``SettlementRecord/Failure/code``), on a refused
/// transfer request and on a journal that does not replay (``SettlementError/code``).
public enum SettlementFailure: String, Sendable, Hashable, CaseIterable {
    /// The buyer's cash was not free where the venue settles.
    case insufficientCash = "insufficient_cash"
    /// The venue's counterparty could not deliver or pay, or did not by the deadline.
    case counterpartyFail = "counterparty_fail"
    /// The earmarked legs were not found when they were to move.
    case ledgerInconsistent = "ledger_inconsistent"
    /// A journal whose entries, reports or record ids do not replay.
    case journalInconsistent = "journal_inconsistent"
    /// A transfer of nothing.
    case quantityNotPositive = "quantity_not_positive"
    /// A transfer to where the tokens already are.
    case sameLocation = "same_location"
    /// A transfer no chain or custodian path connects.
    case noRoute = "no_route"
}
