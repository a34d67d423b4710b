import ATSDomain
import ATSOrders
import ATSPlanning
import ATSStorage
import ATSWire
import Foundation

/// What a report is computed from: the journal's parents (children, fills, decisions with their
/// snapshots), when each fill was recorded, and the event log (child latencies).
public struct ReportInput: Sendable {
    public var parents: [ParentOrder]
    /// `venue/fillId` → when the router recorded the fill.
    public var fillTimes: [String: Timestamp]
    public var events: [EventRecord]
    /// Subscriptions to primary offerings made in the window.
    public var subscriptions: [SubscriptionRow]
    /// Onboardings the venues refused (fair access).
    public var onboardings: [OnboardingRow] = []
    public var from: Timestamp?
    public var to: Timestamp?
    public var scope: String
    public var generatedAt: Timestamp

    public init(
        parents: [ParentOrder], fillTimes: [String: Timestamp], events: [EventRecord], from: Timestamp? = nil,
        to: Timestamp? = nil, scope: String, generatedAt: Timestamp, subscriptions: [SubscriptionRow] = []
    ) {
        self.subscriptions = subscriptions
        self.parents = parents
        self.fillTimes = fillTimes
        self.events = events
        self.from = from
        self.to = to
        self.scope = scope
        self.generatedAt = generatedAt
    }

    /// The orders a journal holds in the window (optionally one account's), with their fill times
    /// and events, read without changing it: only those rows are read (by account and time).
    /// - Throws: ``ReportTooLarge`` when the window holds more than `maximumOrders` orders (nothing
    ///   else read), so that a report's memory and time stay bounded.
    public static func journal(
        _ journal: any JournalStore, account: AccountID? = nil, from: Timestamp? = nil, to: Timestamp? = nil,
        generatedAt: Timestamp, maximumOrders: Int? = nil
    ) throws -> ReportInput {
        let query = ParentQuery(
            account: account?.rawValue, from: from?.nanosecondsSinceEpoch, to: to?.nanosecondsSinceEpoch)
        if let maximumOrders {
            let count = try journal.countParents(query)
            if count > maximumOrders { throw ReportTooLarge(orders: count, maximum: maximumOrders) }
        }
        let (parents, fillTimes) = try OrderJournal.parents(in: journal, query)
        let subscriptions = try journal.subscriptions(SubscriptionQuery(account: account?.rawValue)).filter { row in
            (from.map { row.createdAt >= $0.nanosecondsSinceEpoch } ?? true)
                && (to.map { row.createdAt < $0.nanosecondsSinceEpoch } ?? true)
        }
        var input = ReportInput(
            parents: parents, fillTimes: fillTimes, events: try journal.events(query),
            from: from, to: to, scope: account.map { "account \($0)" } ?? "all accounts", generatedAt: generatedAt,
            subscriptions: subscriptions)
        input.onboardings = try journal.onboardings(account: account?.rawValue).filter { $0.status == "refused" }
        return input
    }
}

/// A report window holding more orders than a report reads at once.
public struct ReportTooLarge: Error, CustomStringConvertible {
    public var orders: Int
    public var maximum: Int
    public var description: String {
        "the window holds \(orders) orders; a report reads at most \(maximum): narrow it with from and to"
    }
}

/// Computes a ``Report`` from a ``ReportInput``. Pure: the same input gives the same report.
public enum ReportBuilder {
    public static func build(_ input: ReportInput) -> Report {
        let parents = input.parents.filter { parent in
            (input.from.map { parent.createdAt >= $0 } ?? true) && (input.to.map { parent.createdAt < $0 } ?? true)
        }.sorted { $0.id < $1.id }
        let analyses = parents.map { OrderAnalysis($0, fillTimes: input.fillTimes) }
        return Report(
            generatedAt: input.generatedAt.description, from: input.from?.description, to: input.to?.description,
            scope: input.scope,
            summary: summary(analyses), orders: analyses.map(\.row), venues: venues(parents, events: input.events),
            rule606: rule606(analyses), rule605: rule605(analyses), depth: depth(parents),
            subscriptions: input.subscriptions.sorted { $0.id < $1.id }.map(subscription),
            fairAccess: fairAccess(parents, fillTimes: input.fillTimes, onboardings: input.onboardings),
            outOfReach: outOfReach(parents))
    }

    // MARK: Liquidity out of reach

    /// At each order's first decision, the venues left out by a rule about its account with their
    /// best level on its side: per security, side, venue and rule, the orders, the quantity within
    /// each order's limit (up to its quantity), the best price, and the last thing said to unlock it.
    static func outOfReach(_ parents: [ParentOrder]) -> [Report.OutOfReachRow] {
        struct Key: Hashable, Comparable {
            var symbol: String, side: String, venue: String, code: String
            static func < (a: Key, b: Key) -> Bool {
                (a.symbol, a.side, a.venue, a.code) < (b.symbol, b.side, b.venue, b.code)
            }
        }
        var rows: [Key: (orders: Int, quantity: Int64, best: Price, unlock: String)] = [:]
        for parent in parents {
            guard let first = parent.decisions.first, let unreachable = first.unreachable else { continue }
            for (venue, level) in unreachable {
                let key = Key(
                    symbol: parent.symbol.rawValue, side: parent.side.rawValue, venue: venue.rawValue, code: level.code)
                let within =
                    parent.limitPrice.map { parent.side == .buy ? level.price <= $0 : level.price >= $0 } ?? true
                var row = rows[key] ?? (0, 0, level.price, "")
                row.orders += 1
                row.quantity += within ? min(level.quantity.rawValue, parent.quantity.rawValue) : 0
                row.best = parent.side == .buy ? min(row.best, level.price) : max(row.best, level.price)
                if let unlock = level.unlock { row.unlock = unlock }
                rows[key] = row
            }
        }
        return rows.sorted { $0.key < $1.key }.map { key, row in
            Report.OutOfReachRow(
                symbol: key.symbol, side: key.side, venue: key.venue, code: key.code, orders: row.orders,
                quantityWithinLimit: Quantity(rawValue: row.quantity).description, bestPrice: row.best.description,
                unlock: row.unlock)
        }
    }

    // MARK: Fair access

    /// Each venue's share of the volume routed per security and calendar month (of this router's
    /// flow: the whole market's volume is not visible here), against Rule 301(b)(5)'s 5 %; and the
    /// venues' refusals of accounts the router found eligible under their published rules: an
    /// onboarding refused for a reason other than sanctions, a child the venue rejected.
    static func fairAccess(_ parents: [ParentOrder], fillTimes: [String: Timestamp], onboardings: [OnboardingRow])
        -> Report.FairAccess
    {
        struct Key: Hashable {
            var month: String
            var symbol: String
            var venue: String
        }
        var volume: [Key: Int64] = [:]
        var refusals: [Report.AccessRefusal] = []
        for parent in parents {
            for child in parent.children {
                for fill in child.fills {
                    let at = fillTimes["\(child.venue)/\(fill.id)"] ?? child.createdAt
                    let month = String(at.description.prefix(7))
                    volume[
                        Key(month: month, symbol: parent.symbol.rawValue, venue: child.venue.rawValue), default: 0] +=
                        fill.quantity.rawValue
                }
                if child.status == .failed, let failure = child.failure, child.venueOrderID == nil,
                    failure.contains(": not_retryable ")
                {
                    refusals.append(
                        .init(
                            at: child.createdAt.description, venue: child.venue.rawValue,
                            account: parent.account.rawValue, kind: "order", reason: failure))
                }
            }
        }
        for row in onboardings {
            struct Record: Decodable { var reason: String? }
            let reason = (try? JSONDecoder().decode(Record.self, from: Data(row.record.utf8)))?.reason ?? "refused"
            guard !reason.hasPrefix("sanctions_match") else { continue }
            refusals.append(
                .init(
                    at: Timestamp(nanosecondsSinceEpoch: row.updatedAt).description, venue: row.venue,
                    account: row.account, kind: "onboarding", reason: reason))
        }
        let totals = Dictionary(grouping: volume, by: { "\($0.key.month)/\($0.key.symbol)" }).mapValues {
            $0.reduce(Int64(0)) { $0 + $1.value }
        }
        func atThreshold(_ key: Key) -> Bool {
            guard let part = volume[key], let total = totals["\(key.month)/\(key.symbol)"], total > 0 else {
                return false
            }
            return Int128(part) * 100 >= Int128(total) * 5
        }
        let shares = volume.keys.sorted { ($0.month, $0.symbol, $0.venue) < ($1.month, $1.symbol, $1.venue) }.map {
            key in
            let total = totals["\(key.month)/\(key.symbol)"] ?? 1
            let share = Ratio.of(volume[key]!, total)?.percent ?? "0.00"
            let months = previousMonths(key.month, count: 6).filter {
                atThreshold(Key(month: $0, symbol: key.symbol, venue: key.venue))
            }.count
            return Report.FairAccessShare(
                month: key.month, symbol: key.symbol, venue: key.venue,
                quantity: Quantity(rawValue: volume[key]!).description, sharePercent: share,
                atThreshold: atThreshold(key), monthsAtThresholdOfSix: months)
        }
        return Report.FairAccess(shares: shares, refusals: refusals.sorted { $0.at < $1.at })
    }

    /// `month` (`YYYY-MM`) and the `count - 1` before it.
    static func previousMonths(_ month: String, count: Int) -> [String] {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return [month] }
        return (0..<count).map { back in
            let index = parts[0] * 12 + (parts[1] - 1) - back
            let (year, zeroMonth) = (index / 12, index % 12)
            return String(format: "%04d-%02d", year, zeroMonth + 1)
        }
    }

    /// What a journalled subscription's record holds beyond its key columns.
    struct SubscriptionRecord: Decodable {
        struct Terms: Decodable { var pricePerUnit: Price }
        var offering: Terms
        var units: Quantity
        var paid: Money
        var refund: Money
        var issuedOn: String?
    }

    static func subscription(_ row: SubscriptionRow) -> Report.SubscriptionEntry {
        let record = try? JSONDecoder().decode(SubscriptionRecord.self, from: Data(row.record.utf8))
        return Report.SubscriptionEntry(
            id: String(row.id), account: row.account, venue: row.venue, offering: row.offeringId, symbol: row.symbol,
            status: row.status, amount: Money(rawValue: row.amount).description,
            pricePerUnit: record?.offering.pricePerUnit.description ?? "", units: record?.units.description ?? "0",
            paid: record?.paid.description ?? "0", refund: record?.refund.description ?? "0",
            issuedOn: record?.issuedOn,
            createdAt: Timestamp(nanosecondsSinceEpoch: row.createdAt).description)
    }

    // MARK: Summary

    static func summary(_ orders: [OrderAnalysis]) -> Report.Summary {
        let ordered = orders.reduce(Int64(0)) { $0 + $1.parent.quantity.rawValue }
        let filled = orders.reduce(Int64(0)) { $0 + $1.parent.filledQuantity.rawValue }
        var weighted: Int128 = 0
        var weight: Int128 = 0
        for order in orders {
            guard let slippage = order.slippageBps else { continue }
            weighted += Int128(slippage.rawValue) * Int128(order.parent.filledQuantity.rawValue)
            weight += Int128(order.parent.filledQuantity.rawValue)
        }
        let benefits = orders.compactMap(\.benefit).filter { $0.amount != nil }
        return Report.Summary(
            orders: orders.count, ordersWithFills: orders.filter { $0.parent.filledQuantity.isPositive }.count,
            rejected: orders.filter { $0.parent.status == .rejected }.count,
            orderedQuantity: Quantity(rawValue: ordered).description,
            filledQuantity: Quantity(rawValue: filled).description,
            fillRatePercent: Ratio.of(filled, ordered)?.percent,
            notional: orders.reduce(ExactAmount.zero) { $0 + $1.parent.notional }.description,
            fees: Money(rawValue: orders.reduce(0) { $0 + $1.parent.fees.rawValue }).description,
            averageSlippageBps: weight == 0 ? nil : Ratio(weighted, weight * Int128(BasisPoints.unit)).decimal(2),
            fragmentationBenefit: Money(rawValue: benefits.reduce(0) { $0 + ($1.amount?.rawValue ?? 0) }).description,
            ordersComparedWithBestSingle: orders.compactMap(\.benefit).count,
            ordersBetterThanBestSingle: benefits.filter {
                ($0.perUnit?.rawValue ?? 0) > 0 || $0.extraQuantity.isPositive
            }.count,
            ordersWorseThanBestSingle: benefits.filter {
                ($0.perUnit?.rawValue ?? 0) < 0 && !$0.extraQuantity.isPositive
            }.count,
            extraQuantityOverBestSingle: Quantity(rawValue: benefits.reduce(0) { $0 + $1.extraQuantity.rawValue })
                .description)
    }

    // MARK: Venue scorecards

    static func venues(_ parents: [ParentOrder], events: [EventRecord]) -> [Report.VenueRow] {
        let latencies = ChildLatency.milliseconds(events)
        let children = parents.flatMap(\.children)
        let totalFilled = children.reduce(Int64(0)) { $0 + $1.filledQuantity.rawValue }
        return Dictionary(grouping: children, by: \.venue).sorted { $0.key < $1.key }.map { venue, children in
            let sent = children.filter { $0.refusal == nil }
            let quantity = sent.reduce(Int64(0)) { $0 + $1.quantity.rawValue }
            let filled = sent.reduce(Int64(0)) { $0 + $1.filledQuantity.rawValue }
            let takes = sent.filter { $0.purpose == .take && $0.failure == nil && $0.isTerminal }
            let planned = takes.reduce(Int64(0)) { $0 + $1.quantity.rawValue }
            let gone = takes.reduce(Int64(0)) { $0 + $1.quantity.rawValue - $1.filledQuantity.rawValue }
            var rejections: [String: Int] = [:]
            for child in children {
                if let refusal = child.refusal { rejections[refusal.code.rawValue, default: 0] += 1 }
                if child.failure != nil { rejections["venue_failure", default: 0] += 1 }
            }
            let times = sent.compactMap { latencies[$0.clientKey] }.sorted()
            return Report.VenueRow(
                venue: venue.rawValue, childrenSent: sent.count, quantitySent: Quantity(rawValue: quantity).description,
                quantityFilled: Quantity(rawValue: filled).description,
                fillRatePercent: Ratio.of(filled, quantity)?.percent,
                goneOnArrival: Quantity(rawValue: gone).description,
                goneOnArrivalPercent: Ratio.of(gone, planned)?.percent,
                latencyP50Ms: Percentile.nearestRank(times, 50), latencyP95Ms: Percentile.nearestRank(times, 95),
                rejections: rejections, volumeSharePercent: Ratio.of(filled, totalFilled)?.percent,
                fees: Money(rawValue: children.reduce(0) { $0 + $1.fees.rawValue }).description)
        }
    }

    // MARK: Rule 606

    static func rule606(_ orders: [OrderAnalysis]) -> [Report.Rule606Period] {
        let routed = orders.filter { !$0.parent.decisions.isEmpty }
        return Dictionary(grouping: routed) { String($0.parent.createdAt.description.prefix(7)) }.sorted {
            $0.key < $1.key
        }.map { period, orders in
            var typeShare: [String: String] = [:]
            let byType = Dictionary(grouping: orders, by: \.orderType)
            for type in OrderTypeClass.allCases {
                typeShare[type.rawValue] = Ratio(Int64(byType[type]?.count ?? 0), Int64(orders.count)).percent
            }
            var venues: [VenueID: [OrderAnalysis]] = [:]
            for order in orders {
                for venue in Set(order.parent.children.filter { $0.refusal == nil }.map(\.venue)) {
                    venues[venue, default: []].append(order)
                }
            }
            return Report.Rule606Period(
                period: period, orders: orders.count, typeSharePercent: typeShare,
                venues: venues.sorted { $0.key < $1.key }.map { venue, routedHere in
                    var share: [String: String] = [:]
                    for type in OrderTypeClass.allCases {
                        let ofType = byType[type]?.count ?? 0
                        if ofType > 0 {
                            share[type.rawValue] =
                                Ratio(Int64(routedHere.filter { $0.orderType == type }.count), Int64(ofType)).percent
                        }
                    }
                    let children = routedHere.flatMap { $0.parent.children.filter { $0.venue == venue } }
                    let shares = children.reduce(Int64(0)) { $0 + $1.filledQuantity.rawValue }
                    let fees = children.reduce(Int64(0)) { $0 + $1.fees.rawValue }
                    return Report.Rule606Venue(
                        venue: venue.rawValue, orders: routedHere.count,
                        orderSharePercent: Ratio(Int64(routedHere.count), Int64(orders.count)).percent,
                        typeSharePercent: share, shares: Quantity(rawValue: shares).description,
                        netFees: Money(rawValue: fees).description,
                        netFeesPerHundredShares: Ratio.of(fees, shares).map { $0.decimal(4, scaledBy: 100) })
                })
        }
    }

    // MARK: Rule 605

    static func rule605(_ orders: [OrderAnalysis]) -> [Report.Rule605Row] {
        let covered = orders.filter { !$0.parent.decisions.isEmpty }
        let groups = Dictionary(grouping: covered) {
            "\($0.parent.symbol)|\($0.orderType.rawValue)|\(SizeBucket.of($0.parent.quantity).rawValue)"
        }
        return groups.keys.sorted().map { key in
            let orders = groups[key]!
            let parts = key.split(separator: "|").map(String.init)
            var executed: Int64 = 0
            var cancelled: Int64 = 0
            var within: [SpeedBucket: Int64] = [:]
            var spreadWeighted: Int128 = 0
            var spreadWeight: Int64 = 0
            var improved: Int64 = 0
            var improvement: Int128 = 0
            var improvedTime: Int128 = 0
            var atQuote: Int64 = 0
            var outside: Int64 = 0
            for order in orders {
                let parent = order.parent
                executed += parent.filledQuantity.rawValue
                if parent.status.isTerminal { cancelled += parent.leavesQuantity.rawValue }
                for (fill, time) in order.fills {
                    let elapsed = time.map { parent.createdAt.nanoseconds(until: $0) / 1_000_000 } ?? 0
                    within[SpeedBucket.of(milliseconds: elapsed), default: 0] += fill.quantity.rawValue
                    if let quote = order.quote,
                        let spread = EffectiveSpread.of(side: parent.side, price: fill.price, quote: quote)
                    {
                        spreadWeighted += Int128(spread.rawValue) * Int128(fill.quantity.rawValue)
                        spreadWeight += fill.quantity.rawValue
                    }
                    guard let quote = order.quote, let far = quote.far(for: parent.side) else { continue }
                    if let better = PriceImprovement.perUnit(side: parent.side, price: fill.price, quote: quote) {
                        improved += fill.quantity.rawValue
                        improvement += Int128(better.rawValue) * Int128(fill.quantity.rawValue)
                        improvedTime += Int128(elapsed) * Int128(fill.quantity.rawValue)
                    } else if fill.price == far {
                        atQuote += fill.quantity.rawValue
                    } else {
                        outside += fill.quantity.rawValue
                    }
                }
            }
            var withinText: [String: String] = [:]
            for bucket in SpeedBucket.allCases {
                withinText[bucket.rawValue] = Quantity(rawValue: within[bucket] ?? 0).description
            }
            // Σ (spread × quantity) / Σ quantity, in money per unit (spread raw at 10⁻⁸).
            let average: String? =
                spreadWeight == 0 ? nil : Ratio(spreadWeighted, Int128(spreadWeight) * Int128(Money.unit)).decimal(6)
            return Report.Rule605Row(
                symbol: parts[0], orderType: parts[1], sizeBucket: parts[2], orders: orders.count,
                shares: Quantity(rawValue: orders.reduce(0) { $0 + $1.parent.quantity.rawValue }).description,
                executedShares: Quantity(rawValue: executed).description,
                cancelledShares: Quantity(rawValue: cancelled).description,
                executedWithin: withinText, averageEffectiveSpread: average,
                priceImprovedShares: Quantity(rawValue: improved).description,
                averagePriceImprovement: improved == 0
                    ? nil : Ratio(improvement, Int128(improved) * Int128(Money.unit)).decimal(6),
                averageImprovedTimeMs: improved == 0 ? nil : Int64(improvedTime / Int128(improved)),
                atQuoteShares: Quantity(rawValue: atQuote).description,
                outsideQuoteShares: Quantity(rawValue: outside).description)
        }
    }

    // MARK: Depth

    static func depth(_ parents: [ParentOrder]) -> Report.DepthSnapshot? {
        guard
            let parent = parents.filter({ !$0.decisions.isEmpty }).max(by: {
                ($0.quantity, $1.id) < ($1.quantity, $0.id)
            }),
            let decision = parent.decisions.first
        else { return nil }
        func levels(_ all: [PlanLevel], descending: Bool) -> [Report.DepthLevel] {
            let merged = Dictionary(grouping: all, by: \.price).map {
                ($0.key, $0.value.reduce(Int64(0)) { $0 + $1.quantity.rawValue })
            }
            .sorted { descending ? $0.0 > $1.0 : $0.0 < $1.0 }.prefix(20)
            var running: Int64 = 0
            return merged.map { price, quantity in
                running += quantity
                return Report.DepthLevel(
                    price: price.description, quantity: Quantity(rawValue: quantity).description,
                    cumulative: Quantity(rawValue: running).description)
            }
        }
        return Report.DepthSnapshot(
            orderId: parent.id.description, symbol: parent.symbol.rawValue, at: decision.at.description,
            bids: levels(decision.snapshot.venues.flatMap(\.bids), descending: true),
            asks: levels(decision.snapshot.venues.flatMap(\.asks), descending: false))
    }
}

/// One parent's figures.
struct OrderAnalysis {
    let parent: ParentOrder
    let quote: ArrivalQuote?
    let orderType: OrderTypeClass
    /// Per order, rounded half-even to 10⁻⁸ bp.
    let slippageBps: BasisPoints?
    let benefit: FragmentationBenefit?
    let fills: [(fill: VenueFill, time: Timestamp?)]
    let row: Report.OrderRow

    init(_ parent: ParentOrder, fillTimes: [String: Timestamp]) {
        self.parent = parent
        let first = parent.decisions.first
        let quote = first.map { ArrivalQuote($0.snapshot) }
        self.quote = quote
        orderType = OrderTypeClass.classify(side: parent.side, limit: parent.limitPrice, quote: quote)
        fills = parent.children.flatMap { child in child.fills.map { ($0, fillTimes["\(child.venue)/\($0.id)"]) } }
        let average = parent.averagePrice
        let mid = quote?.mid
        if let average, let mid {
            let bps = Slippage.bps(side: parent.side, average: average, arrivalMid: mid)
            slippageBps = BasisPoints(
                rawValue: Int64(
                    roundedQuotient(
                        bps.numerator * 10_000 * Int128(BasisPoints.unit), bps.denominator, rounding: .halfEven)!))
        } else {
            slippageBps = nil
        }
        let allIn = AllInCost.of(side: parent.side, notional: parent.notional, fees: parent.fees)
        if let first, parent.filledQuantity.isPositive {
            var order = PlanOrder(
                side: parent.side, quantity: parent.quantity, limitPrice: parent.limitPrice, strategy: parent.strategy)
            order.includeVenues = parent.includeVenues
            order.excludeVenues = parent.excludeVenues
            benefit = FragmentationBenefit(
                side: parent.side, order: order, snapshot: first.snapshot, filled: parent.filledQuantity, allIn: allIn)
        } else {
            benefit = nil
        }
        let lastFill = fills.compactMap(\.time).max()
        row = Report.OrderRow(
            id: parent.id.description, account: parent.account.rawValue, symbol: parent.symbol.rawValue,
            side: parent.side.rawValue,
            quantity: parent.quantity.description, limitPrice: parent.limitPrice?.description,
            timeInForce: parent.timeInForce.rawValue,
            orderType: orderType.rawValue, status: parent.status.rawValue, createdAt: parent.createdAt.description,
            arrivalBid: quote?.bid?.description, arrivalAsk: quote?.ask?.description, arrivalMid: mid?.decimal(9),
            filledQuantity: parent.filledQuantity.description,
            fillRatePercent: FillRate.of(filled: parent.filledQuantity, ordered: parent.quantity)?.percent,
            averagePrice: average?.description,
            slippageBps: slippageBps.map { Ratio(Int128($0.rawValue), Int128(BasisPoints.unit)).decimal(2) },
            fees: parent.fees.description, allInCost: allIn.description,
            allInPrice: AllInCost.perUnit(allIn, quantity: parent.filledQuantity)?.description,
            timeToFillMs: lastFill.map { parent.createdAt.nanoseconds(until: $0) / 1_000_000 },
            venues: Array(Set(parent.children.filter { $0.filledQuantity.isPositive }.map(\.venue.rawValue))).sorted(),
            bestSingleVenue: benefit?.bestSingleVenue?.rawValue,
            bestSingleQuantity: (benefit?.bestSingleQuantity ?? .zero).description,
            bestSingleAllInPrice: benefit?.bestSingleAllInPrice?.description,
            fragmentationBenefit: benefit?.amount?.description,
            fragmentationBenefitBps: benefit?.bps?.basisPoints,
            extraQuantityOverBestSingle: (benefit?.extraQuantity ?? .zero).description)
    }
}

/// Child response latency from the event log: from a child's `child_created` event (journalled just
/// before it is sent) to the first event that reports its venue's answer (`child_status` or `fill`).
public enum ChildLatency {
    public static func milliseconds(_ events: [EventRecord]) -> [String: Int64] {
        var created: [String: Int64] = [:]
        var answered: [String: Int64] = [:]
        for event in events {
            guard let key = event.childKey else { continue }
            if event.kind == "child_created" {
                created[key] = created[key] ?? event.at
            } else if event.kind == "child_status" || event.kind == "fill", answered[key] == nil,
                let start = created[key]
            {
                answered[key] = (event.at - start) / 1_000_000
            }
        }
        return answered
    }
}

/// Nearest-rank percentiles.
public enum Percentile {
    /// The smallest value with at least `percent` % of `sorted` at or below it; nil for none.
    public static func nearestRank(_ sorted: [Int64], _ percent: Int) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = max(1, (percent * sorted.count + 99) / 100)
        return sorted[min(sorted.count, rank) - 1]
    }
}
