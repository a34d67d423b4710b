import ATSDomain
import ATSSettlement
import ATSVenues
import Foundation
import Synchronization

/// The repository's own venues and config.json, found from this source file's place in the tree.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func catalog() throws -> VenueCatalog {
        try VenueCatalog.load(directory: root.appendingPathComponent("venues").path)
    }
    static func configuration(_ catalog: VenueCatalog) throws -> RouterConfiguration {
        try RouterConfiguration.load(from: root.appendingPathComponent("config.json").path, venues: catalog)
    }
}

/// A book opened on the repository's venues and accounts at `start`, with settings changed by `adjust`.
func openBook(
    at start: Timestamp = utc("2026-11-20T15:00"), catalog: VenueCatalog? = nil,
    adjust: (inout SettlementSettings) -> Void = { _ in }
) throws -> SettlementBook {
    let catalog = try catalog ?? Repository.catalog()
    var configuration = try Repository.configuration(catalog)
    var settings = configuration.settlementSettings
    adjust(&settings)
    configuration.settlement = settings
    var book = SettlementBook(catalog: catalog, configuration: configuration)
    book.openLedgers(at: start)
    return book
}

/// The catalog with one venue's definition changed.
func catalog(changing id: String, _ change: (inout VenueDefinition) -> Void) throws -> VenueCatalog {
    let catalog = try Repository.catalog()
    return VenueCatalog(
        directory: catalog.directory,
        venues: catalog.venues.map { venue in
            var venue = venue
            if venue.id.rawValue == id { change(&venue) }
            return venue
        })
}

private let fillCounter = Mutex(0)

func execution(
    _ account: String, _ side: Side, _ quantity: String, _ symbol: String, at venue: String, price: String,
    fee: String = "0",
    time: Timestamp = utc("2026-11-20T15:00"), fill: String? = nil
) -> TradeExecution {
    let number = fillCounter.withLock {
        $0 += 1
        return $0
    }
    return TradeExecution(
        venue: try! VenueID(venue), fillId: fill ?? "F\(number)", orderId: 1, childKey: "k-p1-c1", childNumber: 1,
        account: try! AccountID(account), symbol: try! Symbol(symbol), side: side, quantity: try! Quantity(quantity),
        price: try! Price(price), fee: try! Money(fee), at: time)
}

func amount(_ text: String) -> Int64 { try! Money(text).rawValue }

extension SettlementBook {
    func available(_ holder: String, _ asset: String, _ location: String) -> Int64 {
        ledger.balance(Holder(rawValue: holder), LedgerAsset(asset)!, at: CustodyLocation(location)!).available
    }
    func locked(_ holder: String, _ asset: String, _ location: String) -> Int64 {
        ledger.balance(Holder(rawValue: holder), LedgerAsset(asset)!, at: CustodyLocation(location)!).locked
    }
}

/// `YYYY-MM-DDTHH:MM` in UTC.
func utc(_ text: String) -> Timestamp {
    let parts = text.split(separator: "T")
    let day = CalendarDate(String(parts[0]))!
    let time = LocalTime(String(parts[1]))!
    return Timestamp(secondsSinceEpoch: day.daysSinceEpoch * 86_400 + Int64(time.minutesAfterMidnight) * 60)
}
