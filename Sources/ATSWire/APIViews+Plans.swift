extension APIViews {
    /// `POST /v1/plans`: what the router would do with an order now, on the live book for the
    /// caller's account; nothing is sent and nothing is written.
    public struct PlanPreviewView: Codable, Hashable, Sendable {
        public var symbol: String
        public var side: String
        public var quantity: String
        /// What the order would be now: `working` (its children would be sent), `rejected`,
        /// `pending_onboarding` or `pending_transfer`.
        public var status: String
        /// The rule that would refuse it.
        public var rejection: RejectionView?
        public var note: String?
        /// The first routing decision on the live book: allocations, venues left out and why,
        /// liquidity out of reach.
        public var decision: DecisionView?
        /// The children it would send (and any the checks would refuse, with the rule).
        public var children: [PreviewChildView]
        /// For `pending_transfer`: what it would wait for.
        public var transfer: TransferPlanView?

        public init(
            symbol: String, side: String, quantity: String, status: String, rejection: RejectionView? = nil,
            note: String? = nil, decision: DecisionView? = nil, children: [PreviewChildView] = [],
            transfer: TransferPlanView? = nil
        ) {
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.status = status
            self.rejection = rejection
            self.note = note
            self.decision = decision
            self.children = children
            self.transfer = transfer
        }
    }

    /// A child a preview would send.
    public struct PreviewChildView: Codable, Hashable, Sendable {
        public var venue: String
        public var quantity: String
        public var limitPrice: String
        public var timeInForce: String
        /// The rule the pre-trade checks would refuse it with (then it is not sent).
        public var refusal: RejectionView?

        public init(
            venue: String, quantity: String, limitPrice: String, timeInForce: String, refusal: RejectionView? = nil
        ) {
            self.venue = venue
            self.quantity = quantity
            self.limitPrice = limitPrice
            self.timeInForce = timeInForce
            self.refusal = refusal
        }
    }

    /// The custody transfers (a sale) or the cash conversion (a buy) an order with
    /// `allowTransfers` would wait for, with what they cost.
    public struct TransferPlanView: Codable, Hashable, Sendable {
        /// The venue the order is planned at.
        public var venue: String
        /// The transfers' or the conversion's fee.
        public var fee: String
        /// When the last transfer arrives, in minutes.
        public var minutes: Int
        /// The all-in price per unit on the book now with the fee in it, when the book fills any.
        public var allInPrice: String?
        public var moves: [MoveView]
        public var conversion: PlannedConversionView?

        public init(
            venue: String, fee: String, minutes: Int, allInPrice: String? = nil, moves: [MoveView] = [],
            conversion: PlannedConversionView? = nil
        ) {
            self.venue = venue
            self.fee = fee
            self.minutes = minutes
            self.allInPrice = allInPrice
            self.moves = moves
            self.conversion = conversion
        }
    }

    /// Tokens a plan moves between two of the account's locations.
    public struct MoveView: Codable, Hashable, Sendable {
        public var from: String
        public var to: String
        public var quantity: String
        public var fee: String
        public var minutes: Int

        public init(from: String, to: String, quantity: String, fee: String, minutes: Int) {
            self.from = from
            self.to = to
            self.quantity = quantity
            self.fee = fee
            self.minutes = minutes
        }
    }

    /// Cash a plan converts at a venue.
    public struct PlannedConversionView: Codable, Hashable, Sendable {
        public var venue: String
        public var from: String
        public var fromLocation: String
        public var to: String
        public var toLocation: String
        public var amount: String
        public var received: String
        public var fee: String

        public init(
            venue: String, from: String, fromLocation: String, to: String, toLocation: String, amount: String,
            received: String, fee: String
        ) {
            self.venue = venue
            self.from = from
            self.fromLocation = fromLocation
            self.to = to
            self.toLocation = toLocation
            self.amount = amount
            self.received = received
            self.fee = fee
        }
    }
}

extension APIViews {
    /// `GET /v1/fills`: the caller's fills after `since`, oldest first.
    public struct FillList: Codable, Hashable, Sendable {
        public var fills: [AccountFillView]
        /// The last fill's `sequence`: pass it as `since` for the fills after these (absent when none).
        public var lastSequence: String?
        /// More fills follow these now.
        public var more: Bool

        public init(fills: [AccountFillView], lastSequence: String? = nil, more: Bool) {
            self.fills = fills
            self.lastSequence = lastSequence
            self.more = more
        }
    }

    /// One fill of one of the caller's orders.
    public struct AccountFillView: Codable, Hashable, Sendable {
        /// Increasing in the order fills were recorded.
        public var sequence: String
        public var orderId: String
        public var symbol: String
        public var side: String
        public var venue: String
        public var childKey: String
        /// The venue's fill id.
        public var fillId: String
        public var quantity: String
        public var price: String
        public var fee: String
        public var recordedAt: String

        public init(
            sequence: String, orderId: String, symbol: String, side: String, venue: String, childKey: String,
            fillId: String, quantity: String, price: String, fee: String, recordedAt: String
        ) {
            self.sequence = sequence
            self.orderId = orderId
            self.symbol = symbol
            self.side = side
            self.venue = venue
            self.childKey = childKey
            self.fillId = fillId
            self.quantity = quantity
            self.price = price
            self.fee = fee
            self.recordedAt = recordedAt
        }
    }
}
