import ATSAssembly
import ATSDomain
import ATSPostgres
import ATSRouter
import ATSServer
import ATSStorage
import ATSVenues
import ArgumentParser
import Foundation
import Logging

/// `ats-router serve`: the venues (embedded unless `config.json` places them elsewhere), the
/// journal, the router and its HTTP API, until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the router and its HTTP API (and the venue mocks, unless config.json places venues elsewhere).",
        discussion: """
            Opens (or creates) the journal in --data-dir (or on PostgreSQL at --database-url), reconciles every order a previous run left
            open with its venue, starts polling, and serves the /v1 API on loopback. Traders use
            `ats-router submit`, `orders`, `order`, `cancel`, `book`, `venues` with --server and
            --api-key (or ATS_ROUTER_URL and ATS_ROUTER_API_KEY). Stops cleanly on Ctrl-C or SIGTERM.
            """)

    @OptionGroup var options: RouterOptions
    @Option(
        help: ArgumentHelp(
            "Where the journal lives, created if missing (default: ATS_ROUTER_DATA_DIR, else ./data).", valueName: "dir"
        ))
    var dataDir: String?
    @Option(
        help: ArgumentHelp(
            "Keep the journal on PostgreSQL at this URL, postgresql://USER@HOST:PORT/DB (default: ATS_ROUTER_DATABASE_URL, else SQLite in the data folder; a password comes from the URL or PGPASSWORD).",
            valueName: "url"))
    var databaseURL: String?
    @Option(
        help: ArgumentHelp(
            "With --database-url: this instance's id among those sharing the journal (default: the host name and a random suffix).",
            valueName: "id"))
    var instanceId: String?
    @Option(
        help: ArgumentHelp(
            "With --database-url: how long an account lease lasts unrenewed, the longest an account waits after its instance dies (1 to 60).",
            valueName: "seconds"))
    var leaseSeconds: Double = 3
    @Option(
        help: ArgumentHelp(
            "With --database-url: the URL other instances forward this one's accounts' requests to (default: http://HOST:PORT as served).",
            valueName: "url"))
    var advertiseUrl: String?
    @Option(help: "The API's port (0 picks a free one).") var port = 8080
    @Option(help: "The API's address.") var host = "127.0.0.1"
    @Option(
        help: ArgumentHelp(
            "Also serve the FIX 4.4 gateway on this port for the sessions config.json's fix.sessions lists (0 picks a free one; see docs/fix.md).",
            valueName: "port"))
    var fixPort: Int?
    @Flag(
        help:
            "Trade in the simulated session (next weekday 15:00 UTC at real speed) even when every venue is external, to match venues started with `venue serve --simulated-session`."
    )
    var simulatedSession = false
    @Flag(help: "Lift the embedded venues' published order rate limits (for load benchmarks).")
    var unthrottledVenues = false
    @Option(
        help: "Journal durability: process (survives a killed process) or disk (also power loss: fsync per commit).")
    var durability: DurabilityChoice = .process
    @OptionGroup var logging: LoggingOptions
    @Flag(
        help:
            "Make a new journal in --data-dir's journal.sqlite even though the file is there and is not a journal (it is otherwise refused)."
    )
    var initialiseJournal = false

    func run() async throws {
        let sources = options.sources(dataDirectory: dataDir, databaseURL: databaseURL)
        let (catalog, configuration) = try options.load(sources)
        let dataDir = sources.dataDirectory.path ?? "data"
        logging.bootstrap()
        let durability: SQLiteJournal.Durability = durability == .disk ? .disk : .process
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let fixPort {
            guard (0...65_535).contains(fixPort) else { throw ValidationError("--fix-port must be from 0 to 65535") }
            guard !(configuration.fix?.sessions ?? []).isEmpty else {
                throw ValidationError("--fix-port needs FIX sessions: config.json has no fix.sessions")
            }
        }
        var runtimeOptions = RouterRuntime.Options(dataDirectory: dataDir)
        if let database = sources.database {
            do { _ = try DatabaseURL(database.url) } catch { throw configurationFailure(error) }
            runtimeOptions.databaseURL = database.url
        }
        guard (1...60).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be from 1 to 60") }
        if let instanceId {
            guard !instanceId.isEmpty, instanceId.count <= 64,
                instanceId.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
            else { throw ValidationError("--instance-id must be 1 to 64 letters, digits, '-', '_' or '.'") }
        }
        runtimeOptions.instanceID = instanceId
        runtimeOptions.leaseTime = .milliseconds(Int64(leaseSeconds * 1_000))
        runtimeOptions.advertisedURL = advertiseUrl
        runtimeOptions.simulatedSession = simulatedSession
        runtimeOptions.unthrottledVenues = unthrottledVenues
        runtimeOptions.durability = durability
        runtimeOptions.logLevel = logging.logLevel.level
        runtimeOptions.initialiseJournal = initialiseJournal
        do {
            runtimeOptions.venueSecrets = try VenueSecrets.load(for: configuration, configFile: sources.config.path)
            let list = try SanctionsList.load(for: configuration, configFile: sources.config.path)
            runtimeOptions.sanctions = SanctionsSource(
                list: list, file: configuration.compliance?.sanctionsList == nil ? nil : list.origin)
        } catch {
            throw configurationFailure(error)
        }
        for line in sources.summaryWithData { say(line) }
        let runtime: RouterRuntime
        do {
            runtime = try await RouterRuntime.start(
                catalog: catalog, configuration: configuration, options: runtimeOptions)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        for venue in catalog.venues.map(\.id) {
            let place =
                runtime.fleet?.urls[venue].map { "\($0) (embedded mock)" } ?? configuration.routingSettings.venues[
                    venue.rawValue]?.url ?? "?"
            say("venue \(venue): \(place)")
        }
        for mismatch in await runtime.router.verifyInstruments() { say("warning: \(mismatch)") }
        if let leases = runtime.router.leases {
            say(
                "instance \(leases.instance): \(leases.liveInstances) live, holding \(leases.held.count) account(s): \(leases.held.sorted().joined(separator: ", "))"
            )
        }
        do {
            try await runtime.loadJournal()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            await runtime.stop()
            throw ExitCode(1)
        }
        if runtime.isSimulatedSession { say("trading clock: simulated session from \(runtime.clock.now())") }
        // Reads and /health answer at once; orders wait for "ready" (GET /ready) while open orders are reconciled.
        let sessions = configuration.fix?.sessions.count ?? 0
        try await runtime.serve(
            host: host, port: port, fixPort: fixPort,
            onRunning: { port in
                say("ATS Router \(ATSRouterRelease.version) serving http://\(host):\(port) (recovering)")
            },
            onFIX: { port in say("FIX 4.4 gateway on \(host):\(port), \(sessions) session(s)") },
            onReady: { report in
                say(
                    "journal \(runtime.journalLocation ?? "-"): \(report.loaded) orders, \(report.open) open, \(report.childrenReconciled) children reconciled"
                        + (report.childrenUnreachable > 0
                            ? ", \(report.childrenUnreachable) unreachable (retried)" : ""))
                say("ready")
            })
        say("stopped")
        await runtime.stop()
    }
}

/// Prints a line at once (stdout may be a pipe that a supervisor or test reads).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
