import ATSDomain
import ATSJournalTestSupport
import ATSOrders
import ATSRouter
import ATSSettlement
import ATSStorage
import ATSVenues
import Testing

/// Screening against the sanctions list before onboarding, before each order and again at
/// settlement; the monitoring rules raising alerts without blocking; the queue worked by an officer.
@Suite struct ComplianceMonitoringTests {
    let alice = try! AccountID("alice")
    let bob = try! AccountID("bob")
    let acme = try! Symbol("ACME")
    /// On the shipped sample list.
    let sanctionedWallet = "0x7F367cC41522cE07553e823bf3be79A889DEbe1B"

    @Test(arguments: JournalBackend.all)
    func aSanctionedWalletStopsOrdersAndOnboardingAndRaisesOneAlert(backend: JournalBackend) async throws {
        let (journal, _) = try temporaryJournal(backend)
        try await InProcessRouter.with(journal: journal) { running in
            let investors = running.router.context.investors
            var record = try #require(investors.record(of: bob))
            record.kyc = .init(status: .approved, provider: "Onfido", verifiedOn: CalendarDate("2026-11-02"))
            record.wallets = [
                "ethereum": sanctionedWallet.lowercased(), "polygon": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            ]
            try investors.update(record, by: "compliance", at: running.clock.now())
            await running.router.pollAll()
            let order = await running.router.orders.submit(
                ParentOrderRequest(
                    account: bob, symbol: try Symbol("VINE"), side: .buy, quantity: try Quantity("50"),
                    limitPrice: try Price("13"), timeInForce: .day))
            #expect(order.status == .rejected && order.rejection?.code == .sanctionsMatch, "\(order)")
            #expect(order.rejection?.message.contains("SDN") == true)
            // Onboarding is refused before anything is filed with the venue.
            let onboarding = try await running.router.onboarding.file(bob, at: try VenueID("rialto"))
            #expect(onboarding.status == .refused && onboarding.reason?.hasPrefix("sanctions_match") == true)
            #expect(await running.engines[try VenueID("rialto")]!.onboarding.all().isEmpty)
            // Screening rounds raise one alert, however often they run.
            running.router.compliance.screen()
            running.router.compliance.screen()
            let alerts = try running.router.compliance.alerts(status: "open")
            #expect(alerts.map(\.kind) == [.sanctionsMatch] && alerts.first?.account == bob, "\(alerts)")
            let closed = try running.router.compliance.close(
                alerts[0].id, by: "compliance", resolution: "true match; filed a SAR, account frozen")
            #expect(closed.status == "closed" && closed.closedBy == "compliance")
            #expect(throws: AlertError.self) {
                try running.router.compliance.close(alerts[0].id, by: "x", resolution: "y")
            }
            #expect(try running.router.compliance.alerts(status: "open").isEmpty)
            #expect(try journal.complianceAlerts(account: "bob", status: "closed").count == 1)
        }
    }

    @Test func aListUpdatedBeforeSettlementFailsTheSettlementInsteadOfDelivering() async throws {
        try await InProcessRouter.with { running in
            let frank = try AccountID("frank")
            await running.router.pollAll()
            // frank buys SPCE at Openfinance: four-step, settled bilaterally minutes later.
            let order = await running.router.orders.submit(
                ParentOrderRequest(
                    account: frank, symbol: try Symbol("SPCE"), side: .buy, quantity: try Quantity("50"),
                    limitPrice: try Price("2.6"), timeInForce: .ioc, includeVenues: [try VenueID("openfinance")]))
            #expect(order.filledQuantity.isPositive, "\(order.rejection.map(\.description) ?? "")")
            let instructed = running.router.settlement.book().settlements.filter { $0.account == frank }
            #expect(!instructed.isEmpty && instructed.allSatisfy { $0.status == .instructed }, "\(instructed)")
            // The list now names frank: the next screening tells settlement, which fails rather than delivers.
            var list = running.router.context.investors.sanctions.entries
            list.append(
                .init(
                    kind: .name, value: "ZHOU Frank", name: "Frank Zhou", program: "SDN", listedOn: "2026-11-23",
                    source: "test"))
            running.router.context.investors.replaceSanctions(SanctionsList(entries: list, origin: "test"))
            running.router.compliance.screen()
            try running.router.settlement.advance(to: running.clock.now().adding(seconds: 2 * 86_400))
            let after = running.router.settlement.book().settlements.filter { $0.account == frank }
            #expect(after.allSatisfy { $0.status == .failed && $0.failure?.code == "sanctions_match" }, "\(after)")
            #expect(running.router.settlement.book().invariantViolations() == [])
            #expect(
                try running.router.compliance.alerts().contains { $0.kind == .sanctionsMatch && $0.account == frank })
            // And no new order.
            let next = await running.router.orders.submit(
                ParentOrderRequest(
                    account: frank, symbol: try Symbol("SPCE"), side: .buy, quantity: try Quantity("50"),
                    limitPrice: try Price("2.6"), timeInForce: .ioc))
            #expect(next.rejection?.code == .sanctionsMatch)
        }
    }

    @Test func roundTripsAndTradesJustBelowTheThresholdRaiseAlertsWithoutBlocking() async throws {
        try await InProcessRouter.with { running in
            await running.router.pollAll()
            func trade(_ side: Side, _ quantity: String) async throws -> ParentOrder {
                let parent = await running.router.orders.submit(
                    ParentOrderRequest(
                        account: alice, symbol: acme, side: side, quantity: try Quantity(quantity),
                        limitPrice: try Price(side == .buy ? "10.2" : "9.5"), timeInForce: .ioc))
                #expect(parent.filledQuantity.isPositive, "\(parent)")
                await running.router.pollAll()
                return parent
            }
            // Three buys of 930 ACME at about 10.05: each about 9 350, from 9 000 to just below 10 000.
            var ids: [OrderID] = []
            for _ in 0..<3 { ids.append(try await trade(.buy, "930").id) }
            var alerts = try running.router.compliance.alerts()
            #expect(alerts.map(\.kind) == [.structuring], "\(alerts.map(\.message))")
            #expect(alerts.first?.references == ids.map { "order:\($0)" })
            // A sale within the hour: rapid in and out, naming the first buy and the sale; the sale went through.
            let sale = try await trade(.sell, "100")
            #expect(sale.status == .filled)
            alerts = try running.router.compliance.alerts()
            let rapid = alerts.filter { $0.kind == .rapidInAndOut }
            #expect(rapid.count == 1 && rapid.first?.references == ["order:\(ids[0])", "order:\(sale.id)"], "\(rapid)")
            // More round trips the same day raise nothing more.
            _ = try await trade(.sell, "100")
            _ = try await trade(.buy, "10")
            #expect(try running.router.compliance.alerts().filter { $0.kind == .rapidInAndOut }.count == 1)
        }
    }
}
