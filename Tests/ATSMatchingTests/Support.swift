import ATSDomain

@testable import ATSMatching

func price(_ text: String) -> Price { try! Price(text) }
func quantity(_ text: String) -> Quantity { try! Quantity(text) }
func account(_ text: String) -> AccountID { try! AccountID(text) }

let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)

func limit(
    _ id: UInt64, _ side: Side, _ p: String, _ q: String, _ tif: TimeInForce = .goodTillCancelled,
    account owner: String? = nil
) -> BookOrder {
    BookOrder(
        id: OrderID(id), account: owner.map(account), side: side, limitPrice: price(p), quantity: quantity(q),
        timeInForce: tif)
}

func market(
    _ id: UInt64, _ side: Side, _ q: String, _ tif: TimeInForce = .immediateOrCancel, account owner: String? = nil
) -> BookOrder {
    BookOrder(
        id: OrderID(id), account: owner.map(account), side: side, limitPrice: nil, quantity: quantity(q),
        timeInForce: tif)
}

extension OrderBook {
    var executions: [Execution] {
        events.compactMap { if case .execution(let e) = $0 { return e } else { return nil } }
    }
    var cancellations: [(OrderID, Quantity, CancelReason)] {
        events.compactMap { if case .cancelled(let id, let q, let r) = $0 { return (id, q, r) } else { return nil } }
    }
}
