extension APIViews {
    /// `POST /v1/orders`: a parent order. Decimals are strings; enumerations in any letter case; a
    /// field the server does not know is refused (`unknown_field`), never ignored.
    public struct OrderRequestBody: Codable, Hashable, Sendable {
        public var symbol: String
        /// `buy` or `sell`.
        public var side: String
        public var quantity: String
        /// None: take what is there (IOC and FOK only).
        public var limitPrice: String?
        /// `IOC` (the default), `FOK`, `DAY` or `GTC`.
        public var timeInForce: String?
        /// `cost` (the default), `best-single` or `pro-rata`.
        public var strategy: String?
        public var includeVenues: [String]?
        public var excludeVenues: [String]?
        /// Sending the same body again with it returns the same order.
        public var clientOrderId: String?
        /// `true`: a DAY or GTC sale of tokens held where no venue can take them moves them first
        /// (custody transfer, its fee and time in the plan), and a buy whose cash is in another
        /// asset converts it first (a venue's conversion, its fee in the plan), instead of being
        /// refused `position_not_at_venue` or `insufficient_cash`.
        public var allowTransfers: Bool?

        public init(
            symbol: String, side: String, quantity: String, limitPrice: String? = nil, timeInForce: String? = nil,
            strategy: String? = nil, includeVenues: [String]? = nil, excludeVenues: [String]? = nil,
            clientOrderId: String? = nil, allowTransfers: Bool? = nil
        ) {
            self.allowTransfers = allowTransfers
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.limitPrice = limitPrice
            self.timeInForce = timeInForce
            self.strategy = strategy
            self.includeVenues = includeVenues
            self.excludeVenues = excludeVenues
            self.clientOrderId = clientOrderId
        }
    }

    /// `POST /v1/transfers`: move free tokens between custodians and chains.
    public struct TransferRequestBody: Codable, Hashable, Sendable {
        public var symbol: String
        public var quantity: String
        /// A venue id (where it settles) or a location: `wallet:<chain>`, `custodian:<venue>`.
        public var to: String
        /// Default: the account's designated custody.
        public var from: String?

        public init(symbol: String, quantity: String, to: String, from: String? = nil) {
            self.symbol = symbol
            self.quantity = quantity
            self.to = to
            self.from = from
        }
    }

    /// Every error reply: `{"error": {"code": "...", "message": "...", "field": "..."}}`.
    public struct ErrorBody: Codable, Hashable, Sendable {
        public struct Detail: Codable, Hashable, Sendable {
            public var code: String
            public var message: String
            /// The request field at fault, when there is one.
            public var field: String?

            public init(code: String, message: String, field: String? = nil) {
                self.code = code
                self.message = message
                self.field = field
            }
        }

        public var error: Detail

        public init(error: Detail) {
            self.error = error
        }
    }
}
