import ATSDomain
import ATSFIX
import ATSOrders
import ATSRouter
import ATSStorage
import ATSVenues
import Logging

/// One configured FIX session (`docs/fix.md`): the session layer (``FIXSession``) with its
/// sequence numbers kept in the journal, the connection while the peer is logged on, order entry
/// for its account, and its execution reports made from the account's event stream — numbered
/// and kept whether or not the peer is connected, so a peer logging on again gets what it missed
/// by resend.
actor FIXSessionHub: FIXEndpoint {
    let entry: FIXSessionEntry
    let runtime: any RouterService
    let store: FIXSessionStore
    let logger: Logger
    var session: FIXSession
    var connection: FIXConnection?
    /// Where the reports stand in each account's stream (the last event turned into reports).
    var cursors: [AccountID: Int] = [:]
    /// The orders this session reports on, by id; and every ClOrdID it used, to its order.
    var states: [OrderID: FIXOrderState] = [:]
    var clOrdIDs: [String: OrderID] = [:]
    /// The ClOrdID each of its orders goes by now (the last one a replace or cancel gave it).
    var currentClOrdID: [OrderID: String] = [:]
    /// ClOrdIDs of orders sent and not yet seen accepted, with a GTD order's expiry.
    var entering: [String: Timestamp?] = [:]
    /// A cancel or replace asked for and not yet seen done: its ClOrdID.
    var pendingCancel: [OrderID: String] = [:]
    var pendingReplace: [OrderID: String] = [:]
    /// GTD orders' expiries, and those the gateway is cancelling because they expired.
    var expiries: [OrderID: Timestamp] = [:]
    var expiring: Set<OrderID> = []
    /// ClOrdID rows to write with the next message.
    var unsavedOrders: [FIXOrderRow] = []
    var tasks: [Task<Void, Never>] = []
    /// Since when the connection has held more than its mark for a peer that does not read, and
    /// how long that may last.
    var stalledSince: ContinuousClock.Instant?
    var stallTimeout: Duration = .seconds(30)
    /// Whether an event is being turned into reports, and who waits for the turn.
    var reporting = false
    var reportingWaiters: [CheckedContinuation<Void, Never>] = []
    /// The number of the application message being handled: until it is, the journal keeps it as
    /// the next expected, so a crash meanwhile makes the peer send it again (a new order is
    /// idempotent by its ClOrdID) instead of losing it.
    var inFlight: Int?

    /// The sequences as the journal may keep them now (see ``inFlight``).
    var durable: FIXSequences {
        var sequences = session.sequences
        if let inFlight { sequences.nextTarget = min(sequences.nextTarget, inFlight) }
        return sequences
    }

    /// Who may log on: a key of the session's account (a compliance officer's for a drop copy),
    /// presented as the Logon's Password (554).
    let keys: APIKeys

    init(entry: FIXSessionEntry, runtime: any RouterService, keys: APIKeys, logger: Logger) {
        self.entry = entry
        self.keys = keys
        self.runtime = runtime
        let settings = FIXSessionSettings(
            senderCompID: entry.senderCompID, targetCompID: entry.targetCompID,
            heartbeatSeconds: entry.heartbeatSeconds ?? 30, resetOnLogon: entry.resetOnLogon ?? false)
        self.session = FIXSession(settings: settings, sequences: FIXSequences())
        self.store = FIXSessionStore(name: settings.name, journal: runtime.journal)
        var logger = logger
        logger[metadataKey: "fix_session"] = "\(settings.name)"
        self.logger = logger
    }

    var name: String { session.settings.name }
    /// The router's trading clock: order times, TransactTime, GTD expiry.
    var clock: any TradingClock { runtime.clock }
    /// The wall clock: the session's SendingTime, heartbeats and timeouts (a peer checks
    /// SendingTime against its own clock, whatever session the router trades in).
    var wall: any TradingClock { SystemClock() }
    var orders: OrderManager { runtime.router.orders }

    /// The accounts whose reports this session receives.
    var accounts: [AccountID] {
        if let account = entry.account { return [account] }
        return runtime.configuration.accounts.map(\.id)
    }

    /// Loads the session from the journal (a new one starts at the accounts' current stream
    /// positions), then follows the event stream and the clock.
    func start(stalledPeerTimeout: Duration? = nil) async throws {
        stallTimeout = stalledPeerTimeout ?? .seconds(entry.heartbeatSeconds ?? 30)
        let loaded = try store.load()
        session = FIXSession(settings: session.settings, sequences: loaded.sequences)
        cursors = loaded.cursors
        for account in accounts where cursors[account] == nil {
            cursors[account] = try await orders.streamPosition(of: account)
        }
        for row in loaded.orders { await restore(row) }
        if !loaded.saved { try store.save(session.sequences, cursors: cursors, at: wall.now()) }
        let events = orders.eventStream.subscribe(buffer: 10_000)
        tasks.append(Task { await self.follow(events) })
        tasks.append(Task { await self.tickEverySecond() })
        await catchUp()
    }

    /// Stops following; a connected peer is logged out.
    func stop() async {
        if session.phase == .active { carryOut(session.logout("the router is shutting down", at: wall.now())) }
        connection?.close()
        for task in tasks { task.cancel() }
        tasks = []
    }

    // MARK: FIXEndpoint

    func attach(_ connection: FIXConnection) -> Bool {
        guard self.connection == nil else { return false }
        self.connection = connection
        session.connected(at: wall.now())
        logger.info("fix connection", metadata: ["remote": "\(connection.remote)"])
        return true
    }

    func received(_ frame: Result<FIXMessage, FIXFrameError>, on connection: FIXConnection) async {
        guard connection === self.connection else { return }
        let now = wall.now()
        if case .success(let message) = frame {
            runtime.metrics.fixMessage(session: name, inbound: true, type: message.msgType)
        }
        switch frame {
        case .success(let message):
            await perform(
                session.received(message, at: now) { [keys, entry] password in
                    guard let password, let principal = keys.principal(for: password) else { return false }
                    switch principal {
                    case .account(let account): return !entry.isDropCopy && account == entry.account
                    case .officer: return entry.isDropCopy
                    }
                })
        case .failure(let error): await perform(session.received(error, at: now))
        }
    }

    func detached(_ connection: FIXConnection) {
        guard connection === self.connection else { return }
        self.connection = nil
        session.disconnected()
        saveSequences()
        runtime.metrics.fixLoggedOn(session: name, false)
        logger.info("fix disconnected", metadata: ["remote": "\(connection.remote)"])
    }

    // MARK: Sending

    /// Carries out the session's actions in order: session messages numbered, saved and sent;
    /// resends; application messages handed to order entry.
    func perform(_ actions: [FIXSession.Action]) async {
        for action in actions {
            switch action {
            case .deliver(let message):
                inFlight = Int(message[FIXTag.msgSeqNum] ?? "")
                await application(message)
                inFlight = nil
            default: carryOut([action])
            }
        }
    }

    /// The actions that need no waiting.
    func carryOut(_ actions: [FIXSession.Action]) {
        let now = wall.now()
        var outgoing: [FIXMessage] = []
        var close: String?
        for action in actions {
            switch action {
            case .send(let message): outgoing.append(session.outbound(message, at: now))
            case .resend(let from, let through): outgoing += resend(from: from, through: through, at: now)
            case .deliver: logger.error("an application message reached the synchronous path")
            case .loggedOn:
                runtime.metrics.fixLoggedOn(session: name, true)
                logger.info("fix logon", metadata: ["sequences": "\(session.sequences)"])
            case .disconnect(let reason): close = reason
            case .note(let text): logger.debug("\(text)")
            }
        }
        saveSequences()
        // What came before a disconnect (a Logout saying why) is written first.
        for message in outgoing { write(message) }
        if let close {
            logger.info("fix session closed", metadata: ["reason": "\(close)"])
            session.disconnected()
            connection?.close()
        }
    }

    /// An application message: numbered, kept in the journal with the cursor it advances and the
    /// ClOrdIDs it introduces (one transaction), then sent if the peer is logged on; otherwise it
    /// waits in the journal for the peer's resend request.
    func sendApplication(_ message: FIXMessage, cursor: (AccountID, Int)? = nil) {
        let now = wall.now()
        let before = session.sequences
        let numbered = session.outbound(message, at: now)
        var advanced = cursors
        if let (account, sequence) = cursor { advanced[account] = max(advanced[account] ?? 0, sequence) }
        let row = FIXMessageRow(
            session: name, epoch: before.epoch, sequence: Int64(before.nextSender),
            body: FIXSessionStore.body(numbered),
            sentAt: now.nanosecondsSinceEpoch)
        do {
            try store.save(durable, cursors: advanced, messages: [row], orders: unsavedOrders, at: now)
        } catch {
            session.restore(before)
            logger.error("a fix message could not be kept, so it was not sent", metadata: ["error": "\(error)"])
            return
        }
        cursors = advanced
        unsavedOrders = []
        if session.phase == .active { write(numbered) }
    }

    /// Writes a numbered message to the peer, counted.
    func write(_ message: FIXMessage) {
        guard let connection, session.phase != .disconnected else { return }
        connection.send(message)
        runtime.metrics.fixMessage(session: name, inbound: false, type: message.msgType)
        if stalledSince == nil && !connection.isWritable { stalledSince = .now }
    }

    /// A peer that has not read what waits for it for `stallTimeout` is let go: what it missed is
    /// in the journal, and its next Logon shows the gap.
    func checkStalled() {
        guard let connection, !connection.isWritable else {
            stalledSince = nil
            return
        }
        guard let since = stalledSince else {
            stalledSince = .now
            return
        }
        guard ContinuousClock.now - since >= stallTimeout else { return }
        logger.warning("fix peer does not read; disconnected", metadata: ["remote": "\(connection.remote)"])
        stalledSince = nil
        session.disconnected()
        connection.close()
    }

    func saveSequences() {
        do {
            try store.save(durable, cursors: cursors, orders: unsavedOrders, at: wall.now())
            unsavedOrders = []
        } catch {
            logger.error("fix sequence numbers could not be saved", metadata: ["error": "\(error)"])
        }
    }

    /// The application messages numbered `from` through `through` again, a gap fill for each run
    /// of numbers that were session messages.
    func resend(from: Int, through: Int, at now: Timestamp) -> [FIXMessage] {
        let stored: [Int: FIXMessage]
        do {
            stored = Dictionary(
                try store.messages(epoch: session.sequences.epoch, from: from, through: through).compactMap { row in
                    FIXSessionStore.message(row).map { (Int(row.sequence), $0) }
                }, uniquingKeysWith: { first, _ in first })
        } catch {
            logger.error("fix messages could not be read for a resend", metadata: ["error": "\(error)"])
            return [session.gapFill(from: from, to: through + 1, at: now)]
        }
        var out: [FIXMessage] = []
        var gapStart: Int?
        for sequence in from...through {
            if let message = stored[sequence] {
                if let start = gapStart { out.append(session.gapFill(from: start, to: sequence, at: now)) }
                gapStart = nil
                out.append(session.resent(message, at: now))
            } else if gapStart == nil {
                gapStart = sequence
            }
        }
        if let start = gapStart { out.append(session.gapFill(from: start, to: through + 1, at: now)) }
        return out
    }

    private func tickEverySecond() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { return }
            carryOut(session.tick(at: wall.now()))
            checkStalled()
            await expireDue()
            await catchUp()
        }
    }
}
