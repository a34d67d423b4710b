extension APIViews {
    /// One message the server sends on `GET /v1/stream` (a WebSocket; `docs/api.md`, "The event
    /// stream"). `type` says which fields it carries:
    /// - `welcome`: `account`, `instance`, `sequence` (the last event sent to this connection, the
    ///   resume point), `latest` (the account's last event now) and `heartbeatSeconds`;
    /// - `order`: one order event: `sequence` (its place in the account's stream), `order`,
    ///   `orderSequence`, `event`, `at`, `detail` (what changed) and `state` (the order with its
    ///   children and fills: as the event left it, or as it is now for an event replayed);
    /// - `book`: `book` for a symbol subscribed to, sent on subscribing and whenever it changes;
    /// - `venue`: `venue`, sent for every venue on connecting and whenever its health changes;
    /// - `settlement`: `settlement`, whenever one of the account's settlements changes state;
    /// - `heartbeat`: `sequence` and `at`, every `heartbeatSeconds`;
    /// - `error`: `code`, `message` and `field` for a message the server could not take (the
    ///   connection stays open) or, just before a close, why it closes.
    public struct StreamMessage: Codable, Hashable, Sendable {
        public var type: String
        public var sequence: Int?
        public var latest: Int?
        public var account: String?
        public var instance: String?
        public var heartbeatSeconds: Int?
        public var order: String?
        public var orderSequence: Int?
        public var event: String?
        public var at: String?
        public var detail: StreamEventDetail?
        public var state: OrderView?
        public var book: BookView?
        public var venue: VenueView?
        public var settlement: SettlementView?
        public var code: String?
        public var message: String?
        public var field: String?

        public init(type: String) {
            self.type = type
        }
    }

    /// What an order event changed (`detail` of an `order` message): the event's name, then per
    /// event the order's status, note and rejection (`accepted`, `rejected`, `working`, `resting`,
    /// `final`, `noted`, and the pending states); the decision's attempt and allocations
    /// (`decision`, `replan`); the child as it is now (`child_sent`, `child_answered`, `fill`);
    /// the fill (`fill`).
    public struct StreamEventDetail: Codable, Hashable, Sendable {
        public var event: String
        public var status: String?
        public var note: String?
        public var rejection: RejectionView?
        public var attempt: Int?
        public var allocations: [StreamAllocationView]?
        public var unfilledReason: String?
        public var child: StreamChildView?
        public var fill: StreamFillView?
        /// `amended`: the order's new quantity and limit.
        public var quantity: String?
        public var limitPrice: String?
    }

    public struct StreamAllocationView: Codable, Hashable, Sendable {
        public var venue: String
        public var quantity: String
        public var averagePrice: String
    }

    public struct StreamChildView: Codable, Hashable, Sendable {
        public var clientKey: String
        public var venue: String
        public var quantity: String
        public var limitPrice: String
        public var timeInForce: String
        public var status: String
        public var filledQuantity: String
        public var refusal: RejectionView?
        public var failure: String?
    }

    public struct StreamFillView: Codable, Hashable, Sendable {
        public var id: String
        public var venue: String
        public var quantity: String
        public var price: String
        public var fee: String
    }

    /// A message the client sends on `GET /v1/stream`; any of its fields, in any message:
    /// - `auth`: the API key, when the upgrade request had no `Authorization` header (browsers);
    /// - `resume`: send every order event after this sequence, then carry on live;
    /// - `subscribe` / `unsubscribe`: symbols whose consolidated book to send, for `side`
    ///   (`buy` by default) and `depth` levels (10 by default).
    public struct StreamRequest: Codable, Hashable, Sendable {
        public var auth: String?
        public var resume: Int?
        public var subscribe: [String]?
        public var unsubscribe: [String]?
        public var side: String?
        public var depth: Int?

        public init(
            auth: String? = nil, resume: Int? = nil, subscribe: [String]? = nil, unsubscribe: [String]? = nil,
            side: String? = nil, depth: Int? = nil
        ) {
            self.auth = auth
            self.resume = resume
            self.subscribe = subscribe
            self.unsubscribe = unsubscribe
            self.side = side
            self.depth = depth
        }
    }
}
