import ATSDomain

@testable import ATSMatching

/// A deliberately naive continuous book for cross-checking ``OrderBook``: resting orders in one
/// array, sorted afresh for every match. Slow and obviously right.
struct NaiveBook {
    struct Resting: Equatable {
        var id: UInt64
        var side: Side
        var price: Int64
        var open: Int64
        var priority: Int
        var account: AccountID?
        var timeInForce: TimeInForce
    }

    enum Event: Equatable {
        case rested(UInt64, Int64)
        case execution(maker: UInt64, taker: UInt64, price: Int64, quantity: Int64)
        case cancelled(UInt64, Int64, CancelReason)
    }

    let selfTradePrevention: SelfTradePrevention
    var orders: [Resting] = []
    var nextPriority = 0
    var events: [Event] = []

    init(selfTradePrevention: SelfTradePrevention) {
        self.selfTradePrevention = selfTradePrevention
    }

    /// Resting orders on `side` in matching order: best price first, then arrival.
    func queue(_ side: Side) -> [Resting] {
        orders.filter { $0.side == side }.sorted {
            if $0.price != $1.price { return side == .buy ? $0.price > $1.price : $0.price < $1.price }
            return $0.priority < $1.priority
        }
    }

    private func crosses(_ side: Side, limit: Int64?, _ price: Int64) -> Bool {
        guard let limit else { return true }
        return side == .buy ? price <= limit : price >= limit
    }

    private func sameAccount(_ a: AccountID?, _ b: AccountID?) -> Bool {
        selfTradePrevention != .none && a != nil && a == b
    }

    /// Returns the rejection code, or nil when accepted; `events` has what happened.
    mutating func submit(_ order: BookOrder, now: Timestamp) -> RejectCode? {
        events = []
        let limit = order.limitPrice?.rawValue
        if let expiry = order.timeInForce.expiry, expiry <= now { return .expiryNotInFuture }
        if limit == nil && order.timeInForce.canRest { return .marketOrderCannotRest }
        if orders.contains(where: { $0.id == order.id.rawValue }) { return .duplicateOrderID }
        let candidates = queue(order.side.opposite).filter { crosses(order.side, limit: limit, $0.price) }
        if order.timeInForce.kind == .fok {
            var fillable: Int64 = 0
            for maker in candidates {
                if sameAccount(maker.account, order.account) {
                    if selfTradePrevention == .cancelIncoming { break }
                    continue
                }
                fillable += maker.open
            }
            if fillable < order.quantity.rawValue { return .fillOrKillNotFillable }
        }
        var remaining = order.quantity.rawValue
        var stopped = false
        for maker in candidates where remaining > 0 {
            let index = orders.firstIndex { $0.id == maker.id }!
            if sameAccount(maker.account, order.account) {
                if selfTradePrevention == .cancelIncoming {
                    stopped = true
                    break
                }
                events.append(.cancelled(maker.id, maker.open, .selfTrade))
                orders.remove(at: index)
                continue
            }
            let fill = min(remaining, maker.open)
            remaining -= fill
            events.append(.execution(maker: maker.id, taker: order.id.rawValue, price: maker.price, quantity: fill))
            orders[index].open -= fill
            if orders[index].open == 0 { orders.remove(at: index) }
        }
        if remaining > 0 {
            if stopped {
                events.append(.cancelled(order.id.rawValue, remaining, .selfTrade))
            } else if order.timeInForce.canRest, let limit {
                orders.append(
                    Resting(
                        id: order.id.rawValue, side: order.side, price: limit, open: remaining,
                        priority: nextPriority, account: order.account, timeInForce: order.timeInForce))
                nextPriority += 1
                events.append(.rested(order.id.rawValue, remaining))
            } else {
                events.append(.cancelled(order.id.rawValue, remaining, .unfilled))
            }
        }
        return nil
    }

    mutating func cancel(_ id: UInt64) -> RejectCode? {
        events = []
        guard let index = orders.firstIndex(where: { $0.id == id }) else { return .unknownOrder }
        events = [.cancelled(id, orders[index].open, .requested)]
        orders.remove(at: index)
        return nil
    }

    mutating func reduce(_ id: UInt64, to quantity: Int64) -> RejectCode? {
        events = []
        guard let index = orders.firstIndex(where: { $0.id == id }) else { return .unknownOrder }
        guard quantity > 0 && quantity < orders[index].open else { return .invalidAmendment }
        events = [.cancelled(id, orders[index].open - quantity, .reduced)]
        orders[index].open = quantity
        return nil
    }

    mutating func replace(_ id: UInt64, price: Int64, quantity: Int64, now: Timestamp) -> RejectCode? {
        guard let index = orders.firstIndex(where: { $0.id == id }) else {
            events = []
            return .unknownOrder
        }
        let old = orders[index]
        if price == old.price && quantity <= old.open {
            if quantity == old.open {
                events = []
                return .invalidAmendment
            }
            return reduce(id, to: quantity)
        }
        if price <= 0 {
            events = []
            return .priceNotPositive
        }
        if quantity <= 0 {
            events = []
            return .quantityNotPositive
        }
        if let expiry = old.timeInForce.expiry, expiry <= now {
            events = []
            return .expiryNotInFuture
        }
        orders.remove(at: index)
        let order = BookOrder(
            id: OrderID(id), account: old.account, side: old.side, limitPrice: Price(rawValue: price),
            quantity: Quantity(rawValue: quantity), timeInForce: old.timeInForce)
        let rejected = submit(order, now: now)
        precondition(rejected == nil)
        events.insert(.cancelled(id, old.open, .replaced), at: 0)
        return nil
    }

    /// The ids expired, sorted.
    mutating func expire(now: Timestamp, endOfDay: Bool) -> [UInt64] {
        let expired = orders.filter {
            if let expiry = $0.timeInForce.expiry, expiry <= now { return true }
            return endOfDay && $0.timeInForce == .day
        }
        orders.removeAll { order in expired.contains { $0.id == order.id } }
        events = expired.map { .cancelled($0.id, $0.open, .expired) }
        return expired.map(\.id).sorted()
    }
}

extension BookEvent {
    var naive: NaiveBook.Event {
        switch self {
        case .rested(let id, let quantity): return .rested(id.rawValue, quantity.rawValue)
        case .execution(let e):
            return .execution(
                maker: e.makerOrderID.rawValue, taker: e.takerOrderID.rawValue, price: e.price.rawValue,
                quantity: e.quantity.rawValue)
        case .cancelled(let id, let quantity, let reason): return .cancelled(id.rawValue, quantity.rawValue, reason)
        }
    }
}
