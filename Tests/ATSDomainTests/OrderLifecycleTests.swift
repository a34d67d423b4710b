import Testing

@testable import ATSDomain

@Suite("Order lifecycle state machine")
struct OrderLifecycleTests {
    typealias Event = OrderLifecycle.Event
    let ten = Price(rawValue: 1_000_000_000)

    private func fill(_ units: Int64) -> Event {
        .fill(quantity: Quantity(rawValue: units * Quantity.unit), price: ten)
    }

    private func lifecycle(_ units: Int64 = 10) -> OrderLifecycle {
        OrderLifecycle(quantity: Quantity(rawValue: units * Quantity.unit))
    }

    @Test("accept, two fills, filled: each step returns what to report")
    func happyPath() throws {
        var order = lifecycle()
        #expect(try order.handle(.accept) == .reportAccepted)
        #expect(order.state == .accepted)
        #expect(
            try order.handle(fill(4))
                == .reportFill(quantity: Quantity(rawValue: 4 * Quantity.unit), price: ten, complete: false))
        #expect(order.state == .partiallyFilled)
        #expect(order.leavesQuantity == Quantity(rawValue: 6 * Quantity.unit))
        #expect(
            try order.handle(fill(6))
                == .reportFill(quantity: Quantity(rawValue: 6 * Quantity.unit), price: ten, complete: true))
        #expect(order.state == .filled)
        #expect(order.averagePrice == ten)
        #expect(order.filledNotional == Money(rawValue: 100 * Money.unit))
    }

    @Test("the average price is exact over fills at different prices")
    func averagePrice() throws {
        var order = lifecycle(3)
        _ = try order.handle(.accept)
        _ = try order.handle(.fill(quantity: Quantity(rawValue: Quantity.unit), price: try Price("10")))
        _ = try order.handle(.fill(quantity: Quantity(rawValue: 2 * Quantity.unit), price: try Price("10.03")))
        #expect(order.filledNotional == (try Money("30.06")))
        #expect(order.averagePrice == (try Price("10.02")))
    }

    @Test("cancel: request, then confirm reports what was left")
    func cancel() throws {
        var order = lifecycle()
        _ = try order.handle(.accept)
        _ = try order.handle(fill(3))
        #expect(try order.handle(.requestCancel) == .sendCancel)
        #expect(order.state == .cancelPending)
        // A fill racing the cancel is kept and the cancel stays pending.
        _ = try order.handle(fill(2))
        #expect(order.state == .cancelPending)
        #expect(try order.handle(.confirmCancel) == .reportCancelled(unfilled: Quantity(rawValue: 5 * Quantity.unit)))
        #expect(order.state == .cancelled)
    }

    @Test("a refused cancel returns to the working state it came from")
    func cancelRejected() throws {
        let refusal = Rejection(.unknownOrder, "gone")
        var fresh = lifecycle()
        _ = try fresh.handle(.accept)
        _ = try fresh.handle(.requestCancel)
        #expect(try fresh.handle(.rejectCancel(refusal)) == .reportCancelRejected(refusal))
        #expect(fresh.state == .accepted)
        var partial = lifecycle()
        _ = try partial.handle(.accept)
        _ = try partial.handle(fill(1))
        _ = try partial.handle(.requestCancel)
        _ = try partial.handle(.rejectCancel(refusal))
        #expect(partial.state == .partiallyFilled)
    }

    @Test("a fill that completes the order while a cancel is pending ends filled")
    func fillWinsTheRace() throws {
        var order = lifecycle()
        _ = try order.handle(.accept)
        _ = try order.handle(.requestCancel)
        _ = try order.handle(fill(10))
        #expect(order.state == .filled)
        #expect(throws: Rejection.self) { try order.handle(.confirmCancel) }
    }

    @Test("rejection and expiry are terminal")
    func terminal() throws {
        var rejected = lifecycle()
        let rejection = Rejection(.priceNotPositive, "no")
        #expect(try rejected.handle(.reject(rejection)) == .reportRejected(rejection))
        var expired = lifecycle()
        _ = try expired.handle(.accept)
        _ = try expired.handle(fill(1))
        #expect(try expired.handle(.expire) == .reportExpired(unfilled: Quantity(rawValue: 9 * Quantity.unit)))
        for var order in [rejected, expired] {
            for event in [
                Event.accept, .reject(rejection), fill(1), .requestCancel, .confirmCancel, .rejectCancel(rejection),
                .expire,
            ] {
                let before = order
                #expect(throws: Rejection.self) { try order.handle(event) }
                #expect(order == before)
            }
        }
    }

    @Test(
        "illegal transitions are refused and leave the state unchanged",
        arguments: [
            (OrderLifecycle.State.accepted, "accept"), (.accepted, "reject"), (.new, "confirmCancel"),
            (.new, "expire"), (.new, "rejectCancel"), (.accepted, "rejectCancel"), (.cancelPending, "requestCancel"),
        ])
    func illegal(state: OrderLifecycle.State, eventName: String) throws {
        var order = lifecycle()
        switch state {
        case .new: break
        case .accepted: _ = try order.handle(.accept)
        case .cancelPending:
            _ = try order.handle(.accept)
            _ = try order.handle(.requestCancel)
        default: Issue.record("not set up")
        }
        let event: Event =
            switch eventName {
            case "accept": .accept
            case "reject": .reject(Rejection(.unknownOrder, "x"))
            case "confirmCancel": .confirmCancel
            case "expire": .expire
            case "rejectCancel": .rejectCancel(Rejection(.unknownOrder, "x"))
            default: .requestCancel
            }
        let before = order
        do {
            _ = try order.handle(event)
            Issue.record("\(eventName) was accepted in \(state)")
        } catch {
            #expect(error.code == .illegalTransition)
            #expect(error.message.contains(state.rawValue))
        }
        #expect(order == before)
    }

    @Test("a fill larger than what is left, or of zero, is refused")
    func overfill() throws {
        var order = lifecycle(5)
        _ = try order.handle(.accept)
        #expect(throws: Rejection.self) { try order.handle(fill(6)) }
        #expect(throws: Rejection.self) { try order.handle(fill(0)) }
        #expect(order.filledQuantity == .zero)
    }

    @Test("random event sequences keep filled ≤ quantity and terminal states final")
    func randomSequences() throws {
        var random = SplitMix64(seed: 99)
        let rejection = Rejection(.unknownOrder, "x")
        for _ in 0..<3_000 {
            var order = lifecycle(Int64(random.next() % 20) + 1)
            var terminalSeen: OrderLifecycle.State?
            for _ in 0..<12 {
                let events: [Event] = [
                    .accept, .reject(rejection), fill(Int64(random.next() % 8)), .requestCancel,
                    .confirmCancel, .rejectCancel(rejection), .expire,
                ]
                let event = events[Int(random.next() % UInt64(events.count))]
                let before = order
                do {
                    _ = try order.handle(event)
                    #expect(terminalSeen == nil, "an event moved a terminal order")
                } catch {
                    #expect(order == before)
                }
                #expect(order.filledQuantity <= order.quantity)
                #expect(order.leavesQuantity.rawValue == order.quantity.rawValue - order.filledQuantity.rawValue)
                #expect((order.state == .filled) == (order.filledQuantity == order.quantity))
                if order.state.isTerminal { terminalSeen = order.state }
            }
        }
    }
}
