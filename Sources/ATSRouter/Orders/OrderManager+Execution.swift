import ATSDomain
import ATSOrders
import ATSVenues

/// Child execution: sending children, following them through their fill window, reconciling a
/// lost answer by the child's key, cancelling.
extension OrderManager {
    /// Sends the children concurrently and follows each to a final state (or, for a resting
    /// child, to its acknowledgement).
    func send(_ id: OrderID, children indices: [Int]) async {
        guard let parent = parents[id] else { return }
        let work = indices.map { ($0, parent.children[$0]) }
        let results = await withTaskGroup(of: (Int, ChildOrder).self) { group in
            for (index, child) in work {
                guard let gateway = context.gateways[child.venue] else { continue }
                group.addTask {
                    (
                        index,
                        await self.execute(
                            child, at: index, of: id, symbol: parent.symbol, side: parent.side, gateway: gateway)
                    )
                }
            }
            var collected: [(Int, ChildOrder)] = []
            for await result in group { collected.append(result) }
            return collected
        }
        guard var updated = parents[id] else { return }
        // Never replace a final state (from a parent cancel) with a working one.
        for (index, child) in results where child.isTerminal || !updated.children[index].isTerminal {
            updated.children[index] = child
        }
        store(updated)
        // A cancel that arrived while these children were in flight cancels what they left live.
        if isCancelRequested(id) {
            for (index, _) in results where !updated.children[index].isTerminal {
                await cancelChild(&updated.children[index], symbol: updated.symbol)
            }
            if var latest = parents[id] {
                for (index, _) in results { latest.children[index] = updated.children[index] }
                store(latest)
            }
        }
    }

    /// One child: submitted (reconciling a lost answer by its key), recorded once acknowledged,
    /// and a take child on a venue without IOC followed through its fill window, then cancelled.
    nonisolated func execute(
        _ child: ChildOrder, at index: Int, of id: OrderID, symbol: Symbol, side: Side,
        gateway: VenueGateway
    ) async -> ChildOrder {
        var child = child
        let request = ChildOrderRequest(
            clientKey: child.clientKey, symbol: symbol, side: side, quantity: child.quantity,
            limitPrice: child.limitPrice, timeInForce: child.timeInForce)
        do {
            child.apply(try await Self.submitReconciling(request, gateway: gateway))
        } catch {
            // No answer is not a refusal: the venue may have the order, even filled.
            child.status = (error as? VenueFailure)?.outcomeUnknown == true ? .unknown : .failed
            child.failure = "\(error)"
            return child
        }
        // Acknowledged: the parent shows the child live (and a cancel can reach it).
        await record(child, at: index, of: id)
        guard child.purpose == .take, !child.isTerminal, let venueOrderID = child.venueOrderID else { return child }
        // The fill window: the venue is asked for the child's state every status-poll interval
        // (the venue does not push), until it is final, the window ends or the parent is cancelled.
        let settings = context.settings
        let deadline = ContinuousClock.now + .milliseconds(settings.fillWindowMilliseconds)
        while !child.isTerminal && ContinuousClock.now < deadline, await !isCancelRequested(id) {
            try? await Task.sleep(for: .milliseconds(settings.statusPollMilliseconds))
            if let state = try? await gateway.call("order", { try await $0.order(venueOrderID, symbol: symbol) }) {
                child.apply(state)
                await record(child, at: index, of: id)
            }
        }
        if !child.isTerminal {
            if let state = try? await gateway.call("cancel", { try await $0.cancel(venueOrderID, symbol: symbol) }) {
                child.apply(state)
            } else if let state = try? await gateway.call("order", { try await $0.order(venueOrderID, symbol: symbol) })
            {
                child.apply(state)  // already final (a parent cancel got there first)
            }
        }
        return child
    }

    /// Writes a child's latest state into its parent while its batch is still working.
    func record(_ child: ChildOrder, at index: Int, of id: OrderID) {
        guard var parent = parents[id], index < parent.children.count, !parent.children[index].isTerminal else {
            return
        }
        parent.children[index] = child
        store(parent)
    }

    /// Submits; when the reply is lost (timeout, malformed), sends the same idempotency key again
    /// once, which returns the order the venue already has rather than a second one.
    /// - Throws: the venue's refusal when it refuses the key's order outright (a 4xx about the
    ///   request); otherwise, when the first attempt's outcome is unknown
    ///   (``VenueFailure/outcomeUnknown``), that failure, so that a second attempt held back by
    ///   the breaker never turns an order that may exist into a failed one.
    static func submitReconciling(_ request: ChildOrderRequest, gateway: VenueGateway) async throws -> VenueOrderState {
        await gateway.paceOrder()
        do {
            return try await gateway.call("submit", { try await $0.submit(request) })
        } catch let failure as VenueFailure where failure.kind == .retryable && failure.code != "venue_excluded" {
            await gateway.paceOrder()
            do {
                return try await gateway.call("submit (reconcile)", { try await $0.submit(request) })
            } catch let second as VenueFailure where second.kind == .notRetryable {
                throw second  // the venue looked the key up and refused its order: it does not have it
            } catch {
                throw failure.outcomeUnknown ? failure : error
            }
        }
    }

    /// Cancels a child at its venue and records its final state. When the cancel is refused (the
    /// child filled or expired meanwhile) the child's state is fetched instead, so that no fill
    /// made before the cancel is lost. A child not yet acknowledged is left to `send`.
    func cancelChild(_ child: inout ChildOrder, symbol: Symbol) async {
        guard let venueOrderID = child.venueOrderID, let gateway = context.gateways[child.venue] else { return }
        if let state = try? await gateway.call("cancel", { try await $0.cancel(venueOrderID, symbol: symbol) }) {
            child.apply(state)
        } else if let state = try? await gateway.call("order", { try await $0.order(venueOrderID, symbol: symbol) }) {
            child.apply(state)
        }
    }

    /// Cancels a parent: every live child is cancelled at its venue; fills already made stand.
    public func cancel(_ id: OrderID) async -> ParentOrder? {
        guard var parent = parents[id] else { return nil }
        guard !parent.status.isTerminal else { return parent }
        parent.cancelRequested = true
        store(parent)
        // A child whose answer did not arrive may be live: ask for it by its key first, so that the cancel reaches it.
        if parent.children.contains(where: { $0.status == .unknown }) {
            _ = await reconcileChildren(id)
            parent = parents[id] ?? parent
        }
        for index in parent.children.indices
        where !parent.children[index].isTerminal && parent.children[index].venueOrderID != nil {
            var child = parent.children[index]
            await cancelChild(&child, symbol: parent.symbol)
            parent = parents[id] ?? parent
            parent.children[index] = child
            store(parent)
        }
        // Children still in flight are cancelled by `send` when their acknowledgements arrive;
        // wait for that (bounded by the request timeout) so that the answer is final.
        let deadline = ContinuousClock.now + .milliseconds(2 * context.settings.requestTimeoutMilliseconds + 100)
        while parents[id]?.children.contains(where: { $0.status == .pending && $0.refusal == nil }) == true
            && ContinuousClock.now < deadline
        {
            await waitForChange(id, until: deadline)
        }
        parent = parents[id] ?? parent
        if let unknown = parent.children.first(where: { $0.status == .unknown }) {
            // Still no answer: the cancel completes once the venue tells (``resume(_:)`` cancels again).
            awaitReconciliation(id, child: unknown)
            return parents[id]
        }
        // Fills made before the cancel stand; a parent they completed is filled, not cancelled.
        parent.status = parent.leavesQuantity.isZero ? .filled : .cancelled
        parent.completedAt = context.clock.now()
        store(parent)
        return parent
    }
}
