import ATSDomain
import ATSOrders
import ATSStorage
import ATSVenues
import Foundation
import Logging
import Synchronization

/// An alert in the compliance queue: raised by screening or a monitoring rule, worked and closed
/// by a compliance officer. Alerts never block anything themselves (screening blocks through the
/// rules; monitoring only reports).
public struct ComplianceAlert: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The investor's name or a wallet matches the sanctions list.
        case sanctionsMatch = "sanctions_match"
        /// A buy and a sale of one security by one account within a short time.
        case rapidInAndOut = "rapid_in_and_out"
        /// Several trades just under the reporting threshold within a window.
        case structuring
    }

    public var id: Int64
    public var account: AccountID
    public var kind: Kind
    /// `open` or `closed`.
    public var status: String
    public var raisedAt: Timestamp
    public var message: String
    /// The orders (`order:<id>`) or list entries that raised it.
    public var references: [String]
    /// What makes it the same alert again (raised once).
    public var key: String
    public var closedBy: String?
    public var closedAt: Timestamp?
    public var resolution: String?
}

/// Why an alert could not be closed.
public struct AlertError: Error, Sendable, Hashable {
    public var code: String
    public var message: String
}

/// The compliance queue and what feeds it: sanctions screening of every account (again on every
/// round, so a list updated while the router runs catches holders of open settlements too, which
/// then fail rather than deliver) and the monitoring rules over each finished order's fills.
public final class ComplianceDesk: Sendable {
    let context: RoutingContext
    let journal: (any JournalStore)?
    let leases: (any AccountLeases)?
    let logger: Logger
    /// The sanctions file to read again when it changes (nil: the list never changes).
    let sanctionsFile: String?
    private let state = Mutex<State>(State())

    struct Activity: Sendable {
        var at: Timestamp
        var symbol: Symbol
        var side: Side
        var notional: Money
        var order: OrderID
    }

    struct State {
        var alerts: [Int64: ComplianceAlert] = [:]
        var keys: Set<String> = []
        var lastID: Int64 = 0
        /// Orders just below the structuring threshold within its window, per account.
        var activity: [AccountID: [Activity]] = [:]
        /// The last buy and sale per account and security (the first one of a run of one side, so a
        /// round trip names the order that opened it).
        var lastTrade: [String: [Side: Activity]] = [:]
        var sanctionsModified: Date?
        var lastListCheck: ContinuousClock.Instant?
    }

    public init(
        context: RoutingContext, journal: (any JournalStore)?, leases: (any AccountLeases)? = nil,
        sanctionsFile: String? = nil, logger: Logger
    ) throws {
        self.context = context
        self.journal = journal
        self.leases = leases
        self.sanctionsFile = sanctionsFile
        self.logger = logger
        let rows = try journal?.complianceAlerts(account: nil, status: nil) ?? []
        let last = try journal?.lastAlertID() ?? 0
        state.withLock { state in
            for row in rows {
                guard let alert = try? JSONDecoder().decode(ComplianceAlert.self, from: Data(row.record.utf8)) else {
                    continue
                }
                state.alerts[alert.id] = alert
                state.keys.insert(alert.key)
            }
            state.lastID = last
            state.sanctionsModified = sanctionsFile.flatMap(Self.modified)
        }
    }

    var settings: ComplianceSettings { context.configuration.compliance ?? ComplianceSettings() }

    // MARK: Screening

    /// Reads the sanctions file again if it changed (looked at every 5 s at most), screens every
    /// account, tells settlement who may not settle, and raises an alert per new match.
    public func screen() {
        reloadIfChanged()
        let hits = context.investors.sanctionedAccounts()
        context.settlement.setSanctioned(hits.mapValues(\.description))
        for (account, hit) in hits.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where leases.map({ $0.serves(account.rawValue) }) ?? true {
            raise(
                account, .sanctionsMatch, "\(account)'s \(hit); new orders, onboardings and settlements are stopped",
                references: ["sanctions:\(hit.entry.value)"], key: "sanctions:\(account):\(hit.entry.value)")
        }
    }

    private func reloadIfChanged() {
        guard let sanctionsFile else { return }
        let due = state.withLock { state -> Bool in
            if let last = state.lastListCheck, ContinuousClock.now - last < .seconds(5) { return false }
            state.lastListCheck = ContinuousClock.now
            return true
        }
        guard due, let modified = Self.modified(sanctionsFile),
            modified != state.withLock({ $0.sanctionsModified })
        else { return }
        do {
            let data = try readConfigurationFile(sanctionsFile)
            let list = try SanctionsList(String(decoding: data, as: UTF8.self), file: sanctionsFile)
            context.investors.replaceSanctions(list)
            state.withLock { $0.sanctionsModified = modified }
            logger.info(
                "sanctions list read again", metadata: ["file": "\(sanctionsFile)", "entries": "\(list.entries.count)"])
        } catch {
            // The list in use stays: a half-written file is not a reason to screen against nothing.
            logger.error("sanctions list not read; the previous one stays", metadata: ["error": "\(error)"])
        }
    }

    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    // MARK: Monitoring

    /// Takes a finished order's fills into the monitoring rules.
    public func observe(_ parent: ParentOrder) {
        guard parent.filledQuantity.isPositive, let at = parent.completedAt else { return }
        let notional = parent.children.flatMap(\.fills).reduce(Int128(0)) {
            $0 + Int128($1.price.rawValue) * Int128($1.quantity.rawValue) / Int128(Quantity.unit)
        }
        let activity = Activity(
            at: at, symbol: parent.symbol, side: parent.side, notional: Money(rawValue: Int64(clamping: notional)),
            order: parent.id)
        // Constant work per order whatever the day's volume: the last buy and sale per account and
        // security, and only the orders just below the threshold.
        let (rapid, structuring) = state.withLock { state -> ([Activity], [Activity]) in
            let key = "\(parent.account)/\(activity.symbol)"
            var last = state.lastTrade[key] ?? [:]
            let opposite = last[activity.side == .buy ? .sell : .buy]
            if last[activity.side] == nil || opposite != nil { last[activity.side] = activity }
            state.lastTrade[key] = last
            let rapid = opposite.map { $0.at >= at.adding(seconds: -Int64(window(.rapid))) ? [$0] : [] } ?? []
            guard isJustBelowThreshold(activity.notional) else { return (rapid, []) }
            let since = at.adding(seconds: -Int64(window(.structuring)))
            var near = (state.activity[parent.account] ?? []).filter { $0.at >= since }
            near.append(activity)
            state.activity[parent.account] = near
            return (rapid, near)
        }
        // One alert per account, security and day: the first round trip names the orders; the
        // officer reviews the account's trading in that security from there.
        if let other = rapid.first {
            let (buy, sell) = activity.side == .buy ? (activity.order, other.order) : (other.order, activity.order)
            raise(
                parent.account, .rapidInAndOut,
                "\(parent.account) bought and sold \(activity.symbol) within \(settings.rapidRoundTripMinutes ?? 60) minutes (orders \(buy) and \(sell)); later round trips that day are not raised again",
                references: ["order:\(buy)", "order:\(sell)"],
                key: "rapid:\(parent.account):\(activity.symbol):\(CalendarDate(at))")
        }
        let count = settings.structuringCount ?? 3
        if structuring.count >= count, structuring.count % count == 0 {
            let orders = structuring.suffix(count).map(\.order)
            raise(
                parent.account, .structuring,
                "\(parent.account) made \(count) trades of \(structuring.suffix(count).map { $0.notional.description }.joined(separator: ", ")) within \(settings.structuringWindowHours ?? 24) h, each just below \(threshold)",
                references: orders.map { "order:\($0)" },
                key: "structuring:\(parent.account):\(orders.map { String($0.rawValue) }.joined(separator: ","))")
        }
    }

    enum Rule { case rapid, structuring }

    /// A rule's window in seconds.
    func window(_ rule: Rule) -> Int {
        switch rule {
        case .rapid: (settings.rapidRoundTripMinutes ?? 60) * 60
        case .structuring: (settings.structuringWindowHours ?? 24) * 3_600
        }
    }

    var threshold: Money {
        settings.structuringThreshold.flatMap { try? Money($0) } ?? Money(rawValue: 10_000 * Money.unit)
    }

    /// From 90 % of the threshold up to just below it.
    func isJustBelowThreshold(_ amount: Money) -> Bool {
        amount < threshold && amount.rawValue * 10 >= threshold.rawValue * 9
    }

    // MARK: The queue

    /// Raises an alert unless one with `key` was raised before; journalled, then kept.
    private func raise(
        _ account: AccountID, _ kind: ComplianceAlert.Kind, _ message: String, references: [String], key: String
    ) {
        guard state.withLock({ !$0.keys.contains(key) }) else { return }
        do {
            let id = try journal?.newAlertID(after: state.withLock { $0.lastID }) ?? state.withLock { $0.lastID + 1 }
            let alert = ComplianceAlert(
                id: id, account: account, kind: kind, status: "open", raisedAt: context.clock.now(), message: message,
                references: references, key: key)
            try write(alert)
            state.withLock { state in
                state.alerts[id] = alert
                state.keys.insert(key)
                state.lastID = max(state.lastID, id)
            }
            logger.warning("compliance alert", metadata: ["kind": "\(kind.rawValue)", "account": "\(account)"])
        } catch {
            logger.error("compliance alert not journalled", metadata: ["key": "\(key)", "error": "\(error)"])
        }
    }

    /// The alerts, oldest first: in `status` (any when nil), of `account` (everyone's when nil).
    /// Read from the journal when there is one: every instance's alerts.
    public func alerts(status: String? = nil, account: AccountID? = nil) throws -> [ComplianceAlert] {
        if let journal {
            return try journal.complianceAlerts(account: account?.rawValue, status: status).compactMap {
                try? JSONDecoder().decode(ComplianceAlert.self, from: Data($0.record.utf8))
            }
        }
        return state.withLock { $0.alerts.values }.filter {
            (status == nil || $0.status == status) && (account == nil || $0.account == account)
        }.sorted { $0.id < $1.id }
    }

    /// Closes an open alert with the officer's resolution.
    public func close(_ id: Int64, by officer: String, resolution: String) throws(AlertError) -> ComplianceAlert {
        let stored = try? journal?.complianceAlerts(account: nil, status: nil).first { $0.id == id }.flatMap {
            try? JSONDecoder().decode(ComplianceAlert.self, from: Data($0.record.utf8))
        }
        guard var alert = stored ?? state.withLock({ $0.alerts[id] }) else {
            throw AlertError(code: "alert_not_found", message: "no alert \(id)")
        }
        guard alert.status == "open" else {
            throw AlertError(code: "alert_closed", message: "alert \(id) was closed by \(alert.closedBy ?? "?")")
        }
        alert.status = "closed"
        alert.closedBy = officer
        alert.closedAt = context.clock.now()
        alert.resolution = resolution
        do { try write(alert) } catch {
            throw AlertError(code: "journal_unavailable", message: "the alert was not closed: \(error)")
        }
        state.withLock { $0.alerts[id] = alert }
        return alert
    }

    private func write(_ alert: ComplianceAlert) throws {
        guard let journal else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var work = UnitOfWork()
        work.alerts = [
            ComplianceAlertRow(
                id: alert.id, account: alert.account.rawValue, kind: alert.kind.rawValue, status: alert.status,
                createdAt: alert.raisedAt.nanosecondsSinceEpoch,
                record: String(decoding: try encoder.encode(alert), as: UTF8.self))
        ]
        try journal.commit(work)
    }
}
