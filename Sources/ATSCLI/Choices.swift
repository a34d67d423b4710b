import ATSAnalytics
import ArgumentParser
import Foundation

// The fixed values options take: enumerations, so that `--help` lists them, a wrong one is a
// usage error naming the choices before anything is sent, and shell completion offers them.
// Each reads in any letter case.

/// `buy` or `sell`.
enum SideChoice: String, ExpressibleByArgument, CaseIterable {
    case buy, sell
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// A parent order's time in force.
enum TimeInForceChoice: String, ExpressibleByArgument, CaseIterable {
    case ioc = "IOC"
    case fok = "FOK"
    case day = "DAY"
    case gtc = "GTC"
    init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

/// How the planner splits an order.
enum StrategyChoice: String, ExpressibleByArgument, CaseIterable {
    case cost
    case bestSingle = "best-single"
    case proRata = "pro-rata"
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// A parent order's status, to filter by.
enum OrderStatusChoice: String, ExpressibleByArgument, CaseIterable {
    case working, resting, filled, expired, cancelled, rejected
    case partiallyFilled = "partially_filled"
    case pendingOnboarding = "pending_onboarding"
    case pendingTransfer = "pending_transfer"
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// A settlement's status, to filter by.
enum SettlementStatusChoice: String, ExpressibleByArgument, CaseIterable {
    case pending, instructed, settled, failed
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// How far a committed journal write is durable.
enum DurabilityChoice: String, ExpressibleByArgument, CaseIterable {
    case process, disk
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// Report formats: one, several comma-separated (`md,html`), or `all`.
struct ReportFormats: ExpressibleByArgument {
    let formats: [ReportWriter.Format]

    init?(argument: String) {
        guard let formats = ReportWriter.formats(argument) else { return nil }
        self.formats = formats
    }

    static let all = ReportFormats(argument: "all")!
    static var allValueStrings: [String] { ["all"] + ReportWriter.Format.allCases.map(\.rawValue) }
    var defaultValueDescription: String { formats.count == ReportWriter.Format.allCases.count ? "all" : "" }
}
