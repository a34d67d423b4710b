import ATSDomain
import ATSOrders
import ATSPlanning
import ATSStorage
import ATSWire
import Foundation
import Testing

@testable import ATSAnalytics
@testable import ATSRouter

/// A report over a generated journal: its totals against brute-force sums over the same parents,
/// and the HTML's charts, tables and self-containment.
@Suite struct ReportTests {
    static let venues = ["aaa", "bbb", "ccc"]

    /// Parents planned on random snapshots, their children filled (or not) at the planned prices,
    /// written to a journal as the order manager writes them: accepted, then each child with its fills.
    static func generatedJournal(seed: UInt64, orders: Int) throws -> (any JournalStore, [ParentOrder]) {
        var random = SplitMix64(seed: seed)
        let path = NSTemporaryDirectory() + "ats-report-\(UUID().uuidString).sqlite"
        let journal = try SQLiteJournal(path: path)
        let writer = OrderJournal(journal: journal)
        var parents: [ParentOrder] = []
        let start = Timestamp(secondsSinceEpoch: 1_795_446_000)
        for index in 1...orders {
            let created = start.adding(seconds: Int64(index) * 600)
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let snapshot = PlanSnapshot(
                symbol: try Symbol(["ACME", "BLDG"][random.below(2)]),
                venues: venues.map { id in
                    let mid = 1_000 + Int64(random.below(6))
                    return planVenue(
                        id, fee: ["0", "50", "100"][random.below(3)],
                        bids: (0..<4).map {
                            ("\(Double(mid - 1 - Int64($0)) / 100)", "\(10 * (1 + random.below(20)))")
                        },
                        asks: (0..<4).map { ("\(Double(mid + 1 + Int64($0)) / 100)", "\(10 * (1 + random.below(20)))") }
                    )
                })
            let quantity = try Quantity("\(10 * (1 + random.below(60)))")
            let limit: Price? =
                random.below(3) == 0 ? nil : Price(rawValue: (995 + Int64(random.below(15))) * 1_000_000)
            var parent = ParentOrder(
                id: OrderID(UInt64(index)), account: try AccountID(["alice", "erin"][random.below(2)]),
                clientOrderId: nil,
                symbol: snapshot.symbol!, side: side, quantity: quantity, limitPrice: limit, timeInForce: .ioc,
                strategy: .cost, includeVenues: [], excludeVenues: [], createdAt: created)
            if random.below(10) == 0 {
                parent.status = .rejected
                parent.rejection = Rejection(RejectCode(rawValue: "kyc_not_approved"), "generated")
                try writer.accept(parent)
                parents.append(parent)
                continue
            }
            try writer.accept(parent)
            var order = PlanOrder(side: side, quantity: quantity, limitPrice: limit)
            order.strategy = .cost
            let plan = try Planner.plan(order, on: snapshot)
            var next = parent
            next.decisions.append(
                RoutingDecision(at: created, attempt: 0, snapshot: snapshot, quoteAges: [:], excluded: [:], plan: plan))
            try journal.commit(OrderJournal.change(from: parent, to: next, at: created))
            parent = next
            for (n, allocation) in plan.allocations.enumerated() {
                var child = ChildOrder(
                    clientKey: "g-p\(index)-c\(n + 1)", venue: allocation.venue, quantity: allocation.quantity,
                    limitPrice: allocation.worstPrice, timeInForce: .ioc, purpose: .take, decision: 0,
                    createdAt: created)
                var withChild = parent
                withChild.children.append(child)
                try journal.commit(OrderJournal.change(from: parent, to: withChild, at: created))
                // Fills: all, some or none of the planned quantity (what was gone on arrival), at the allocation's average price.
                let share = [100, 100, 60, 0][random.below(4)]
                let filled = Quantity(
                    rawValue: allocation.quantity.rawValue * Int64(share) / 100 / Quantity.unit * Quantity.unit)
                child.status = filled == allocation.quantity ? .filled : .cancelled
                if filled.isPositive {
                    let notional = try Money.notional(
                        price: allocation.averagePrice, quantity: filled, rounding: .halfEven)
                    let fee = try notional.fee(
                        basisPoints: snapshot.venues.first { $0.venue == allocation.venue }!.takerFee,
                        rounding: .halfEven)
                    child.fills = [
                        VenueFill(id: "f\(index)-\(n)", quantity: filled, price: allocation.averagePrice, fee: fee)
                    ]
                    child.filledQuantity = filled
                    child.fees = fee
                }
                var done = withChild
                done.children[n] = child
                let answered = created.adding(
                    nanoseconds: Int64(3 + random.below(40)) * 1_000_000 + Int64(random.below(2)) * 15_000_000_000)
                try journal.commit(OrderJournal.change(from: withChild, to: done, at: answered))
                parent = done
            }
            var final = parent
            final.status =
                final.filledQuantity == final.quantity
                ? .filled : (final.filledQuantity.isPositive ? .partiallyFilled : .expired)
            final.completedAt = created.adding(seconds: 1)
            try journal.commit(OrderJournal.change(from: parent, to: final, at: created.adding(seconds: 1)))
            parents.append(final)
        }
        return (journal, parents)
    }

    @Test(arguments: [UInt64(11), 12])
    func theReportsTotalsAreTheJournals(seed: UInt64) throws {
        let (journal, parents) = try Self.generatedJournal(seed: seed, orders: 120)
        let report = ReportBuilder.build(try ReportInput.journal(journal, generatedAt: .epoch))
        let children = parents.flatMap(\.children)
        let fills = children.flatMap(\.fills)
        let filled = fills.reduce(Int64(0)) { $0 + $1.quantity.rawValue }
        // The summary.
        #expect(report.summary.orders == parents.count && report.orders.count == parents.count)
        #expect(report.summary.rejected == parents.filter { $0.status == .rejected }.count)
        #expect(report.summary.filledQuantity == Quantity(rawValue: filled).description)
        #expect(
            report.summary.orderedQuantity
                == Quantity(rawValue: parents.reduce(0) { $0 + $1.quantity.rawValue }).description)
        #expect(report.summary.fees == Money(rawValue: fills.reduce(0) { $0 + $1.fee.rawValue }).description)
        let notional = fills.reduce(Int128(0)) { $0 + Int128($1.price.rawValue) * Int128($1.quantity.rawValue) }
        #expect(report.summary.notional == ExactAmount(rawValue: notional * 100_000_000).description)
        // Each order's row against its parent.
        for (row, parent) in zip(report.orders, parents) {
            #expect(row.id == parent.id.description && row.filledQuantity == parent.filledQuantity.description)
            #expect(row.fees == parent.fees.description && row.averagePrice == parent.averagePrice?.description)
        }
        // Venues: filled, sent and fees add up to the children's.
        #expect(report.venues.reduce(Int64(0)) { $0 + (try! Quantity($1.quantityFilled)).rawValue } == filled)
        #expect(report.venues.reduce(0) { $0 + $1.childrenSent } == children.count)
        #expect(
            report.venues.reduce(Int64(0)) { $0 + (try! Money($1.fees)).rawValue }
                == fills.reduce(0) { $0 + $1.fee.rawValue })
        for venue in report.venues {
            let mine = children.filter { $0.venue.rawValue == venue.venue }
            #expect(
                venue.goneOnArrival
                    == Quantity(rawValue: mine.reduce(0) { $0 + $1.quantity.rawValue - $1.filledQuantity.rawValue })
                    .description)
            #expect(venue.latencyP50Ms != nil)
        }
        // 605: every routed order in exactly one row; executed shares split across the speed buckets.
        let routed = parents.filter { !$0.decisions.isEmpty }
        #expect(report.rule605.reduce(0) { $0 + $1.orders } == routed.count)
        #expect(report.rule605.reduce(Int64(0)) { $0 + (try! Quantity($1.executedShares)).rawValue } == filled)
        for row in report.rule605 {
            let within = row.executedWithin.values.reduce(Int64(0)) { $0 + (try! Quantity($1)).rawValue }
            #expect(within == (try Quantity(row.executedShares)).rawValue)
            let split =
                (try Quantity(row.priceImprovedShares)).rawValue + (try Quantity(row.atQuoteShares)).rawValue
                + (try Quantity(row.outsideQuoteShares)).rawValue
            #expect(split == (try Quantity(row.executedShares)).rawValue)
        }
        #expect(report.rule605.contains { ($0.executedWithin["10-29s"] ?? "0") != "0" })
        // 606: routed orders by month; type shares of one period sum to 100 %.
        #expect(report.rule606.reduce(0) { $0 + $1.orders } == routed.count)
        for period in report.rule606 {
            let total = period.typeSharePercent.values.reduce(0.0) { $0 + Double($1)! }
            #expect(abs(total - 100) < 0.05)
        }
        #expect(report.depth != nil)
        // JSON round trip, CSV rows.
        let decoded = try JSONDecoder().decode(Report.self, from: ReportWriter.json(report))
        #expect(decoded == report)
        let csv = Dictionary(uniqueKeysWithValues: ReportText.csv(report).map { ($0.name, $0.text) })
        #expect(csv["orders.csv"]!.split(separator: "\n").count == parents.count + 1)
        #expect(csv["venues.csv"]!.split(separator: "\n").count == report.venues.count + 1)
    }

    /// Subscriptions made in the window stand beside the orders: their terms and allocation as the
    /// journal recorded them; those outside the window are left out.
    /// Fair access: every (month, symbol, venue) volume is the brute-force sum of its fills, the
    /// shares of a security in a month add up, the 5 % flag agrees with the share; refused
    /// onboardings are listed unless refused for sanctions.
    @Test(arguments: [UInt64(21), 22])
    func fairAccessSharesAreTheFillsSums(seed: UInt64) throws {
        let (journal, parents) = try Self.generatedJournal(seed: seed, orders: 40)
        var work = UnitOfWork()
        work.onboardings = [
            OnboardingRow(
                account: "bob", venue: "rialto", status: "refused", updatedAt: 5,
                record: #"{"reason":"Rialto's compliance review declined the application"}"#),
            OnboardingRow(
                account: "frank", venue: "rialto", status: "refused", updatedAt: 6,
                record: #"{"reason":"sanctions_match: legal name Frank Zhou matches …"}"#),
            OnboardingRow(account: "carol", venue: "texture", status: "approved", updatedAt: 7, record: "{}"),
        ]
        try journal.commit(work)
        let report = ReportBuilder.build(try ReportInput.journal(journal, generatedAt: .epoch))
        var sums: [String: Int64] = [:]
        for parent in parents {
            for child in parent.children {
                for fill in child.fills {
                    sums["\(parent.symbol)/\(child.venue)", default: 0] += fill.quantity.rawValue
                }
            }
        }
        let shares = report.fairAccess.shares
        #expect(
            Dictionary(
                uniqueKeysWithValues: shares.map { ("\($0.symbol)/\($0.venue)", try! Quantity($0.quantity).rawValue) })
                == sums)
        for symbol in Set(shares.map(\.symbol)) {
            let total = shares.filter { $0.symbol == symbol }.reduce(0.0) { $0 + Double($1.sharePercent)! }
            #expect(abs(total - 100) < 0.05, "\(symbol): \(total)")
        }
        #expect(
            shares.allSatisfy {
                $0.atThreshold == (Double($0.sharePercent)! >= 5) || abs(Double($0.sharePercent)! - 5) < 0.01
            })
        #expect(shares.allSatisfy { $0.monthsAtThresholdOfSix == ($0.atThreshold ? 1 : 0) })
        #expect(report.fairAccess.refusals.map(\.account) == ["bob"])
        #expect(report.fairAccess.refusals.first?.kind == "onboarding")
        let csv = Dictionary(uniqueKeysWithValues: ReportText.csv(report).map { ($0.name, $0.text) })
        #expect(csv["fair_access.csv"]?.split(separator: "\n").count == shares.count + 1)
        #expect(ReportText.markdown(report).contains("## Fair access (Reg ATS Rule 301(b)(5))"))
    }

    @Test func liquidityOutOfReachIsSummedFromEachOrdersFirstDecision() throws {
        let at = Timestamp(secondsSinceEpoch: 1_795_446_000)
        let acme = try Symbol("ACME")
        let rialto = try VenueID("rialto")
        let tzero = try VenueID("tzero")
        let empty = PlanSnapshot(symbol: acme, venues: [])
        func order(
            _ id: UInt64, _ side: Side, _ quantity: String, limit: String?,
            _ decisions: [[VenueID: RoutingDecision.Unreachable]?]
        ) throws -> ParentOrder {
            var parent = ParentOrder(
                id: OrderID(id), account: try AccountID("alice"), clientOrderId: nil, symbol: acme, side: side,
                quantity: try Quantity(quantity), limitPrice: try limit.map { try Price($0) }, timeInForce: .day,
                strategy: .cost, includeVenues: [], excludeVenues: [], createdAt: at)
            for (attempt, unreachable) in decisions.enumerated() {
                let plan = try Planner.plan(PlanOrder(side: side, quantity: parent.quantity), on: empty)
                parent.decisions.append(
                    RoutingDecision(
                        at: at, attempt: attempt, snapshot: empty, quoteAges: [:], excluded: [:], plan: plan,
                        unreachable: unreachable))
            }
            return parent
        }
        let onboarding = "onboarding at Rialto"
        let parents = [
            // 80 at 10.40 within 10.50; tZERO's 10.60 is above the limit: none of its 500 counts.
            try order(
                1, .buy, "100", limit: "10.50",
                [
                    [
                        rialto: .init(
                            code: "kyc_not_approved", price: try Price("10.40"), quantity: try Quantity("80"),
                            unlock: onboarding),
                        tzero: .init(
                            code: "insufficient_cash", price: try Price("10.60"), quantity: try Quantity("500")),
                    ]
                ]),
            // No limit: 30 of Rialto's 80 (the order's quantity); its silence keeps the earlier unlock.
            try order(
                2, .buy, "30", limit: nil,
                [[rialto: .init(code: "kyc_not_approved", price: try Price("10.30"), quantity: try Quantity("80"))]]),
            // A sale: tZERO's bid 10.00 × 20 is within 9.00.
            try order(
                3, .sell, "50", limit: "9.00",
                [[tzero: .init(code: "position_not_at_venue", price: try Price("10.00"), quantity: try Quantity("20"))]]
            ),
            // Only a re-plan saw it: not counted.
            try order(
                4, .buy, "10", limit: "11",
                [nil, [rialto: .init(code: "kyc_not_approved", price: try Price("10"), quantity: try Quantity("10"))]]),
        ]
        let rows = ReportBuilder.outOfReach(parents)
        #expect(
            rows == [
                .init(
                    symbol: "ACME", side: "buy", venue: "rialto", code: "kyc_not_approved", orders: 2,
                    quantityWithinLimit: "110", bestPrice: "10.3", unlock: onboarding),
                .init(
                    symbol: "ACME", side: "buy", venue: "tzero", code: "insufficient_cash", orders: 1,
                    quantityWithinLimit: "0", bestPrice: "10.6", unlock: ""),
                .init(
                    symbol: "ACME", side: "sell", venue: "tzero", code: "position_not_at_venue", orders: 1,
                    quantityWithinLimit: "20", bestPrice: "10", unlock: ""),
            ], "\(rows)")
        let files = ReportText.csv(
            Report(
                generatedAt: "", scope: "all", summary: ReportBuilder.summary([]), orders: [], venues: [], rule606: [],
                rule605: [],
                outOfReach: rows))
        #expect(
            files.first { $0.name == "out_of_reach.csv" }?.text.contains(
                "ACME,buy,rialto,kyc_not_approved,2,110,10.3,onboarding at Rialto") == true)
    }

    @Test func monthsCountBackAcrossAYear() {
        #expect(
            ReportBuilder.previousMonths("2026-02", count: 6) == [
                "2026-02", "2026-01", "2025-12", "2025-11", "2025-10", "2025-09",
            ])
    }

    @Test func subscriptionsInTheWindowAreReportedBesideTheOrders() throws {
        let (journal, _) = try Self.generatedJournal(seed: 6, orders: 5)
        for (id, at) in [(Int64(1), Int64(2_000)), (2, 9_000)] {
            var work = UnitOfWork()
            work.subscriptions = [
                SubscriptionRow(
                    id: id, account: "alice", clientSubscriptionId: nil, venue: "rialto", offeringId: "VINE-2026B",
                    symbol: "VINE", status: "allocated", amount: 6_000_00000000, createdAt: at, updatedAt: at,
                    record:
                        #"{"offering":{"pricePerUnit":"12"},"units":"495","paid":"5940","refund":"60","issuedOn":"2027-01-15"}"#
                )
            ]
            try journal.commit(work)
        }
        let input = try ReportInput.journal(
            journal, from: Timestamp(nanosecondsSinceEpoch: 1_000), to: Timestamp(nanosecondsSinceEpoch: 5_000),
            generatedAt: .epoch)
        let report = ReportBuilder.build(input)
        #expect(report.subscriptions.map(\.id) == ["1"])
        let entry = try #require(report.subscriptions.first)
        #expect(
            [entry.amount, entry.pricePerUnit, entry.units, entry.paid, entry.refund, entry.issuedOn] == [
                "6000", "12", "495", "5940", "60", "2027-01-15",
            ])
        #expect(ReportText.markdown(report).contains("| 1 | alice | rialto | VINE-2026B | VINE | allocated | 6000 |"))
        let csv = Dictionary(uniqueKeysWithValues: ReportText.csv(report).map { ($0.name, $0.text) })
        #expect(csv["subscriptions.csv"]?.split(separator: "\n").count == 2)
    }

    @Test func theHTMLIsOneFileWithItsChartsAndLoadsNothing() throws {
        let (journal, parents) = try Self.generatedJournal(seed: 5, orders: 40)
        let report = ReportBuilder.build(try ReportInput.journal(journal, generatedAt: .epoch))
        let html = ReportHTML.render(report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 4)
        for chart in [
            "venue share of executed volume", "slippage distribution", "fragmentation benefit per order",
            "consolidated depth",
        ] {
            #expect(html.contains("aria-label=\"\(chart)\""), "\(chart)")
        }
        #expect(html.contains("<rect") && html.contains("<polyline"))
        // Nothing from outside: no URLs, no scripts, stylesheets, images or fonts to fetch.
        for banned in ["http://", "https://", "//cdn", "<script", "<link", "<img", "src=", "href=", "@import", "url("] {
            #expect(!html.contains(banned), "\(banned)")
        }
        // Every order is a row of the orders table; text is escaped.
        #expect(html.components(separatedBy: "<tr>").count - 1 >= parents.count + 1)
        #expect(ReportHTML.escape("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;")
        // Markdown has every section.
        let markdown = ReportText.markdown(report)
        for heading in ["## Headline", "## Orders", "## Venue scorecards", "## Rule 606", "## Rule 605"] {
            #expect(markdown.contains(heading))
        }
    }

    @Test func theTimeWindowSelectsOrdersByCreation() throws {
        let (journal, parents) = try Self.generatedJournal(seed: 7, orders: 30)
        let from = parents[10].createdAt
        let to = parents[20].createdAt
        let report = ReportBuilder.build(try ReportInput.journal(journal, from: from, to: to, generatedAt: .epoch))
        #expect(report.orders.map(\.id) == parents[10..<20].map(\.id.description))
        let alice = ReportBuilder.build(
            try ReportInput.journal(journal, account: try AccountID("alice"), generatedAt: .epoch))
        #expect(alice.orders.allSatisfy { $0.account == "alice" } && alice.scope == "account alice")
    }

    @Test func aWindowHoldingMoreThanTheBoundIsRefusedBeforeReading() throws {
        let (journal, parents) = try Self.generatedJournal(seed: 11, orders: 30)
        #expect(throws: ReportTooLarge.self) {
            try ReportInput.journal(journal, generatedAt: .epoch, maximumOrders: 29)
        }
        let bounded = try ReportInput.journal(
            journal, from: parents[5].createdAt, to: parents[25].createdAt, generatedAt: .epoch,
            maximumOrders: 20)
        #expect(bounded.parents.map(\.id) == parents[5..<25].map(\.id))
        // Fill times and events come with the orders read, and only theirs.
        let ids = Set(bounded.parents.map { Int64($0.id.rawValue) })
        #expect(bounded.events.allSatisfy { ids.contains($0.parentId) } && !bounded.events.isEmpty)
        #expect(
            bounded.fillTimes.count == bounded.parents.reduce(0) { $0 + $1.children.reduce(0) { $0 + $1.fills.count } })
    }
}
