import ATSDomain

/// One limit order book for one security at one venue.
///
/// Continuous books match an arriving order at once in price-time priority; call-auction books
/// collect orders and trade them all at one price when ``uncross(referencePrice:)`` is called.
/// Every operation that changes the book increments ``sequence`` and leaves what it did, in
/// order, in ``events``.
///
/// Storage is built for speed: resting orders live in one contiguous pool of nodes linked into
/// FIFO queues per level, an open-addressing index finds an order by id in O(1), and each side's
/// levels are a sorted array with the best price last. Nothing on the hot path allocates once the
/// pools have grown.
public struct OrderBook: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var matching: MatchingModel
        public var selfTradePrevention: SelfTradePrevention
        /// The price grid; call auctions pick uncross prices on it.
        public var tickSize: Price
        /// The reference price an auction uses to break ties before the book has traded.
        public var referencePrice: Price?
        /// A hint for how many orders will rest at once; the book grows past it as needed.
        public var expectedRestingOrders: Int

        public init(
            matching: MatchingModel = .continuous, selfTradePrevention: SelfTradePrevention = .cancelResting,
            tickSize: Price = Price(rawValue: 1), referencePrice: Price? = nil, expectedRestingOrders: Int = 1024
        ) {
            self.matching = matching
            self.selfTradePrevention = selfTradePrevention
            self.tickSize = tickSize
            self.referencePrice = referencePrice
            self.expectedRestingOrders = expectedRestingOrders
        }
    }

    /// A resting order.
    struct Node: Sendable {
        var id: UInt64
        var price: Int64
        var open: Int64
        var priority: UInt64
        var expiry: Int64
        var prev: Int32
        var next: Int32
        var level: Int32
        var account: UInt32
        var side: Side
        var tif: StoredTimeInForce
    }

    enum StoredTimeInForce: UInt8, Sendable {
        case day, gtc, gtd, ioc
    }

    /// A price level: a FIFO queue of nodes and its aggregates.
    struct Level: Sendable {
        var price: Int64
        var head: Int32
        var tail: Int32
        var quantity: Int64
        var count: Int32
    }

    public let configuration: Configuration
    /// The node and level pools, copied on write.
    var storage: BookStorage
    var freeNode: Int32 = -1
    var freeLevel: Int32 = -1
    var bids = PriceLadder(side: .buy)
    var asks = PriceLadder(side: .sell)
    var index: OrderIndex
    /// Interned accounts: key k > 0 is `accounts[k - 1]`; 0 means none.
    var accounts: [AccountID] = []
    var accountKeys: [AccountID: UInt32] = [:]
    var expiries = ExpiryHeap()
    var nextPriority: UInt64 = 0
    var nextExecutionID: UInt64 = 1

    /// Increases by one with every operation that changes the book.
    public internal(set) var sequence: UInt64 = 0
    /// What the last operation did, in order.
    public internal(set) var events = EventLog()
    /// The price of the most recent execution.
    public internal(set) var lastTradePrice: Price?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        index = OrderIndex(minimumCapacity: configuration.expectedRestingOrders)
        storage = BookStorage(nodeCapacity: configuration.expectedRestingOrders, levelCapacity: 256)
    }

    /// Resting orders by slot. Valid for slots below `storage.nodeCount`.
    @inline(__always) var nodes: UnsafeMutablePointer<Node> { storage.nodes }
    /// Price levels by slot. Valid for slots below `storage.levelCount`.
    @inline(__always) var levelPool: UnsafeMutablePointer<Level> { storage.levels }

    /// Gives this book its own storage before it writes, if a copy of the book shares it.
    /// Every public mutating operation calls this first.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// How many orders rest in the book.
    public var restingOrderCount: Int { index.count }

    // MARK: Submitting

    /// Adds an order: in a continuous book it trades at once against the opposite side as far as its
    /// limit and time in force allow, and the remainder rests (DAY, GTC, GTD) or is cancelled (IOC,
    /// market). In a call-auction book it rests until the next uncross.
    ///
    /// - Returns: how much filled, rests and was cancelled; ``events`` has the details.
    /// - Throws: ``Rejection`` (`quantity_not_positive`, `price_not_positive`, `duplicate_order_id`,
    ///   `expiry_not_in_future`, `market_order_cannot_rest`, `fok_not_fillable`, and in an auction
    ///   book `order_type_not_supported` for market orders, `time_in_force_not_supported` for FOK).
    ///   A rejected order leaves the book and ``sequence`` untouched.
    /// - Complexity: O(log L + F) for L levels and F fills; O(1) amortised when the price level exists
    ///   near the top of the book.
    public mutating func submit(_ order: BookOrder, at now: Timestamp) throws(Rejection) -> SubmitReport {
        try validate(order, at: now)
        makeUnique()
        let arrival = makeArrival(order)
        if arrival.isFillOrKill {
            let fillable = fillableQuantity(
                side: arrival.side, limit: arrival.limit, account: arrival.account,
                needed: arrival.quantity)
            guard fillable >= arrival.quantity else {
                throw Rejection(
                    .fillOrKillNotFillable,
                    "fill-or-kill for \(order.quantity) finds only \(Quantity(rawValue: fillable)) within its limit")
            }
        }
        events.clear()
        let opSequence = sequence &+ 1
        let (report, changed) = accept(arrival, opSequence: opSequence)
        if changed { sequence = opSequence }
        return report
    }

    /// Cancels a resting order.
    /// - Returns: the open quantity that was cancelled.
    /// - Throws: ``Rejection`` `unknown_order` if no order with this id rests here.
    /// - Complexity: O(1), plus O(log L) when its level empties.
    @discardableResult
    public mutating func cancel(_ id: OrderID) throws(Rejection) -> Quantity {
        let slot = index.find(id.rawValue)
        guard slot >= 0 else { throw Rejection(.unknownOrder, "no order \(id) rests in this book") }
        makeUnique()
        events.clear()
        let open = nodes[Int(slot)].open
        removeNode(slot, reason: .requested)
        sequence &+= 1
        return Quantity(rawValue: open)
    }

    /// Lowers a resting order's open quantity to `newQuantity`, keeping its place in the queue.
    /// - Throws: ``Rejection`` `unknown_order`, or `invalid_amendment` unless 0 < `newQuantity` < open.
    /// - Complexity: O(1).
    public mutating func reduce(_ id: OrderID, to newQuantity: Quantity) throws(Rejection) {
        let slot = index.find(id.rawValue)
        guard slot >= 0 else { throw Rejection(.unknownOrder, "no order \(id) rests in this book") }
        let node = nodes[Int(slot)]
        guard newQuantity.rawValue > 0, newQuantity.rawValue < node.open else {
            throw Rejection(
                .invalidAmendment,
                "a reduction must leave between 0 and \(Quantity(rawValue: node.open)) open, not \(newQuantity); use cancel to remove the order"
            )
        }
        makeUnique()
        events.clear()
        let removed = node.open - newQuantity.rawValue
        nodes[Int(slot)].open = newQuantity.rawValue
        levelPool[Int(node.level)].quantity -= removed
        events.append(.cancelled(id, quantity: Quantity(rawValue: removed), reason: .reduced))
        sequence &+= 1
    }

    /// Changes a resting order's price and open quantity.
    ///
    /// The same price with a lower quantity is a ``reduce(_:to:)`` and keeps priority. A new price or a
    /// higher quantity loses priority: the open quantity is cancelled (reason `replaced`) and the order
    /// re-enters under the same id, side, account and time in force as if it had just arrived, so in a
    /// continuous book it may trade.
    /// - Throws: ``Rejection`` `unknown_order`, `invalid_amendment` (nothing would change),
    ///   `price_not_positive`, `quantity_not_positive`, `expiry_not_in_future`; the book is then unchanged.
    public mutating func replace(
        _ id: OrderID, price: Price, quantity: Quantity, at now: Timestamp
    ) throws(Rejection) -> SubmitReport {
        let slot = index.find(id.rawValue)
        guard slot >= 0 else { throw Rejection(.unknownOrder, "no order \(id) rests in this book") }
        let node = nodes[Int(slot)]
        if price.rawValue == node.price && quantity.rawValue <= node.open {
            guard quantity.rawValue < node.open else {
                throw Rejection(.invalidAmendment, "order \(id) already rests \(quantity) at \(price)")
            }
            try reduce(id, to: quantity)
            return SubmitReport(orderID: id, filledQuantity: .zero, restingQuantity: quantity, cancelledQuantity: .zero)
        }
        let order = BookOrder(
            id: id, account: accountID(for: node.account), side: node.side, limitPrice: price,
            quantity: quantity, timeInForce: timeInForce(of: node))
        // Validate as a new arrival before touching the book, ignoring the id it still holds.
        try validateFields(order, at: now)
        makeUnique()
        events.clear()
        removeNode(slot, reason: .replaced)
        let opSequence = sequence &+ 1
        let (report, _) = accept(makeArrival(order), opSequence: opSequence)
        sequence = opSequence
        return report
    }

    // MARK: Validation

    @inline(__always)
    func validate(_ order: BookOrder, at now: Timestamp) throws(Rejection) {
        try validateFields(order, at: now)
        if index.find(order.id.rawValue) >= 0 {
            throw Rejection(.duplicateOrderID, "order id \(order.id) already rests in this book")
        }
    }

    func validateFields(_ order: BookOrder, at now: Timestamp) throws(Rejection) {
        guard order.quantity.rawValue > 0 else {
            throw Rejection(.quantityNotPositive, "quantity \(order.quantity) must be greater than zero")
        }
        if let price = order.limitPrice, price.rawValue <= 0 {
            throw Rejection(.priceNotPositive, "limit price \(price) must be greater than zero")
        }
        if let expiry = order.timeInForce.expiry, expiry <= now {
            throw Rejection(.expiryNotInFuture, "GTD expiry \(expiry) is not after now (\(now))")
        }
        if order.limitPrice == nil && order.timeInForce.canRest {
            throw Rejection(
                .marketOrderCannotRest,
                "a market order cannot be \(order.timeInForce.kind.rawValue): use IOC or FOK")
        }
        if configuration.matching == .callAuction {
            if order.limitPrice == nil {
                throw Rejection(.orderTypeNotSupported, "a call auction takes limit orders only, not market orders")
            }
            if order.timeInForce.kind == .fok {
                throw Rejection(
                    .timeInForceNotSupported,
                    "a call auction cannot fill-or-kill: use IOC to take part in one auction only")
            }
        }
    }

    // MARK: Acceptance and resting

    /// An accepted order reduced to plain values, so the hot path copies no strings.
    struct Arrival {
        var id: UInt64
        var side: Side
        /// The limit price, or the far end of the book for a market order.
        var limit: Int64
        var isMarket: Bool
        var quantity: Int64
        var timeInForce: StoredTimeInForce
        var canRest: Bool
        var isFillOrKill: Bool
        var expiry: Int64
        var account: UInt32
    }

    /// The plain-value form of a validated order; interns its account.
    @inline(__always)
    mutating func makeArrival(_ order: BookOrder) -> Arrival {
        let timeInForce: StoredTimeInForce
        var expiry: Int64 = .max
        switch order.timeInForce {
        case .day: timeInForce = .day
        case .goodTillCancelled: timeInForce = .gtc
        case .goodTillDate(let time):
            timeInForce = .gtd
            expiry = time.nanosecondsSinceEpoch
        case .immediateOrCancel, .fillOrKill: timeInForce = .ioc
        }
        return Arrival(
            id: order.id.rawValue, side: order.side, limit: order.marketLimit, isMarket: order.limitPrice == nil,
            quantity: order.quantity.rawValue, timeInForce: timeInForce,
            canRest: order.timeInForce.canRest && order.limitPrice != nil,
            isFillOrKill: order.timeInForce.kind == .fok, expiry: expiry, account: internAccount(order.account))
    }

    /// Matches (continuous) and rests or cancels the remainder of a validated order.
    @inline(__always)
    mutating func accept(_ order: Arrival, opSequence: UInt64) -> (SubmitReport, changed: Bool) {
        let id = OrderID(order.id)
        if configuration.matching == .callAuction {
            rest(order, quantity: order.quantity)
            return (
                SubmitReport(
                    orderID: id, filledQuantity: .zero, restingQuantity: Quantity(rawValue: order.quantity),
                    cancelledQuantity: .zero), true
            )
        }
        let eventsBefore = events.count
        let (remaining, stoppedBySelfTrade) = take(
            takerID: order.id, side: order.side, limit: order.limit, quantity: order.quantity, account: order.account,
            opSequence: opSequence)
        var changed = events.count != eventsBefore
        var resting: Int64 = 0
        var cancelled: Int64 = 0
        if remaining > 0 {
            if stoppedBySelfTrade {
                cancelled = remaining
                events.append(.cancelled(id, quantity: Quantity(rawValue: remaining), reason: .selfTrade))
            } else if order.canRest {
                resting = remaining
                rest(order, quantity: remaining)
                changed = true
            } else {
                cancelled = remaining
                events.append(.cancelled(id, quantity: Quantity(rawValue: remaining), reason: .unfilled))
            }
        }
        let report = SubmitReport(
            orderID: id, filledQuantity: Quantity(rawValue: order.quantity - remaining),
            restingQuantity: Quantity(rawValue: resting), cancelledQuantity: Quantity(rawValue: cancelled))
        return (report, changed)
    }

    /// Appends a node for `order` with `quantity` open at the tail of its level.
    mutating func rest(_ order: Arrival, quantity: Int64) {
        let priority = nextPriority
        nextPriority &+= 1
        let level = levelIndex(side: order.side, price: order.limit)
        let tail = levelPool[Int(level)].tail
        let node = Node(
            id: order.id, price: order.limit, open: quantity, priority: priority, expiry: order.expiry,
            prev: tail, next: -1, level: level, account: order.account,
            side: order.side, tif: order.timeInForce)
        let slot: Int32
        if freeNode >= 0 {
            slot = freeNode
            freeNode = nodes[Int(slot)].next
            nodes[Int(slot)] = node
        } else {
            slot = storage.appendNode(node)
        }
        if tail >= 0 { nodes[Int(tail)].next = slot } else { levelPool[Int(level)].head = slot }
        levelPool[Int(level)].tail = slot
        levelPool[Int(level)].quantity += quantity
        levelPool[Int(level)].count += 1
        index.insert(order.id, slot)
        if order.timeInForce == .gtd {
            expiries.push(ExpiryHeap.Entry(expiry: order.expiry, priority: priority, id: order.id))
        }
        events.append(.rested(OrderID(order.id), quantity: Quantity(rawValue: quantity)))
    }

    /// The level for `price` on `side`, created if absent.
    @inline(__always)
    mutating func levelIndex(side: Side, price: Int64) -> Int32 {
        let found: Bool
        let position: Int
        if side == .buy {
            (found, position) = bids.search(price)
            if found { return bids.level(at: position) }
        } else {
            (found, position) = asks.search(price)
            if found { return asks.level(at: position) }
        }
        let level = Level(price: price, head: -1, tail: -1, quantity: 0, count: 0)
        let slot: Int32
        if freeLevel >= 0 {
            slot = freeLevel
            freeLevel = levelPool[Int(slot)].head
            levelPool[Int(slot)] = level
        } else {
            slot = storage.appendLevel(level)
        }
        if side == .buy {
            bids.insert(price: price, level: slot, at: position)
        } else {
            asks.insert(price: price, level: slot, at: position)
        }
        return slot
    }

    /// Unlinks a resting node, reports `reason` for its open quantity, and drops its level if empty.
    mutating func removeNode(_ slot: Int32, reason: CancelReason) {
        let node = nodes[Int(slot)]
        if node.open > 0 {
            events.append(.cancelled(OrderID(node.id), quantity: Quantity(rawValue: node.open), reason: reason))
        }
        unlink(slot)
        let level = node.level
        if levelPool[Int(level)].count == 0 {
            let (found, position) = node.side == .buy ? bids.search(node.price) : asks.search(node.price)
            precondition(found, "a level in the pool is missing from its ladder")
            if node.side == .buy { bids.remove(at: position) } else { asks.remove(at: position) }
            freeLevelSlot(level)
        }
    }

    /// Unlinks a node from its level's queue and aggregates, the id index and the pool.
    /// The level stays, even if empty.
    @inline(__always)
    mutating func unlink(_ slot: Int32) {
        let node = nodes[Int(slot)]
        let level = Int(node.level)
        if node.prev >= 0 { nodes[Int(node.prev)].next = node.next } else { levelPool[level].head = node.next }
        if node.next >= 0 { nodes[Int(node.next)].prev = node.prev } else { levelPool[level].tail = node.prev }
        levelPool[level].quantity -= node.open
        levelPool[level].count -= 1
        index.remove(node.id)
        nodes[Int(slot)].open = 0
        nodes[Int(slot)].next = freeNode
        nodes[Int(slot)].level = -1
        freeNode = slot
    }

    @inline(__always)
    mutating func freeLevelSlot(_ level: Int32) {
        levelPool[Int(level)].head = freeLevel
        levelPool[Int(level)].count = 0
        freeLevel = level
    }

    // MARK: Accounts and stored fields

    @inline(__always)
    mutating func internAccount(_ account: AccountID?) -> UInt32 {
        guard let account else { return 0 }
        if let key = accountKeys[account] { return key }
        accounts.append(account)
        let key = UInt32(accounts.count)
        accountKeys[account] = key
        return key
    }

    func accountID(for key: UInt32) -> AccountID? { key == 0 ? nil : accounts[Int(key) - 1] }

    func timeInForce(of node: Node) -> TimeInForce {
        switch node.tif {
        case .day: return .day
        case .gtc: return .goodTillCancelled
        case .gtd: return .goodTillDate(Timestamp(nanosecondsSinceEpoch: node.expiry))
        case .ioc: return .immediateOrCancel
        }
    }
}
