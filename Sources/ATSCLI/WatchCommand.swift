import ATSWire
import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// `ats-router watch`: the account's orders, fills and settlements, venue health and the books of
/// the symbols named, live from `GET /v1/stream`; after a dropped connection it resumes from the
/// last event it printed, so nothing is missed or printed twice.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow your orders, fills, settlements, venue health and books live on a running router.",
        discussion: """
            Prints one line per event. --resume N first prints every order event after N (0: all the
            journal has). A dropped connection is resumed from the last event printed. Exits 0 after
            --count order events, 1 if the router refuses the key, 3 if it cannot be reached.
            """)

    @Option(name: .customLong("symbol"), help: "A security whose consolidated book to follow (repeatable).")
    var symbols: [String] = []
    @Option(help: "Print every order event after this sequence first (0: from the first).") var resume: Int?
    @Option(help: "Stop after this many order events.") var count: Int?
    @Flag(help: "Print each message as JSON.") var json = false
    @OptionGroup var server: ServerOptions

    func validate() throws {
        if let resume, resume < 0 { throw ValidationError("--resume must be 0 or more, not \(resume)") }
        if let count, count < 1 { throw ValidationError("--count must be 1 or more, not \(count)") }
    }

    func run() async throws {
        let client = try server.client()
        try await runClient {
            let watch = Watch(symbols: symbols, json: json, count: count)
            var last = resume
            var drops = 0
            while true {
                let outcome = try await watch.connect(client, resume: last)
                last = outcome.last ?? last
                if outcome.done { return }
                drops = outcome.printed ? 1 : drops + 1
                guard drops <= 5 else {
                    throw ClientFailure(message: "error: the stream at \(client.base) keeps closing", exitCode: 3)
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// One `watch`: its lines, and how one connection went.
final class Watch: Sendable {
    let symbols: [String]
    let json: Bool
    let count: Int?
    private let printedEvents = Atomic<Int>(0)

    init(symbols: [String], json: Bool, count: Int?) {
        self.symbols = symbols
        self.json = json
        self.count = count
    }

    struct Outcome {
        var last: Int?
        var done: Bool
        var printed: Bool
    }

    private final class Progress: Sendable {
        let state = Mutex<(last: Int?, done: Bool, printed: Bool, refusal: String?)>((nil, false, false, nil))
    }

    func connect(_ client: RouterClient, resume: Int?) async throws -> Outcome {
        let (url, configuration) = client.stream(resume: resume)
        let progress = Progress()
        var logger = Logger(label: "ats.watch")
        logger.logLevel = .critical
        do {
            try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) {
                inbound, outbound, _ in
                if !self.symbols.isEmpty {
                    let request = APIViews.StreamRequest(subscribe: self.symbols)
                    try await outbound.write(.text(String(decoding: try JSONEncoder().encode(request), as: UTF8.self)))
                }
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    guard case .text(let text) = message,
                        let decoded = try? JSONDecoder().decode(APIViews.StreamMessage.self, from: Data(text.utf8))
                    else { continue }
                    if try self.handle(decoded, text: text, progress: progress) {
                        try await outbound.close(.normalClosure, reason: nil)
                        return
                    }
                }
            }
        } catch {
            if progress.state.withLock({ $0.printed }) == false && resume == nil {
                throw ClientFailure(
                    message: "error: the router at \(client.base) cannot be reached: \(error)", exitCode: 3)
            }
        }
        let state = progress.state.withLock { $0 }
        if let refusal = state.refusal { throw ClientFailure(message: "error: \(refusal)", exitCode: 1) }
        return Outcome(last: state.last, done: state.done, printed: state.printed)
    }

    /// Prints one message; true when the watch is done.
    private func handle(_ message: APIViews.StreamMessage, text: String, progress: Progress) throws -> Bool {
        if message.type == "error", ["unauthorized", "compliance_key", "unknown_account"].contains(message.code ?? "") {
            progress.state.withLock { $0.refusal = "\(message.code ?? ""): \(message.message ?? "")" }
            return true
        }
        if json {
            if message.type != "heartbeat" { print(text) }
        } else if let line = Self.line(message) {
            print(line)
        }
        guard message.type == "order", let sequence = message.sequence else { return false }
        let printed = printedEvents.add(1, ordering: .relaxed).newValue
        let done = count.map { printed >= $0 } ?? false
        progress.state.withLock {
            $0.last = sequence
            $0.printed = true
            $0.done = done
        }
        return done
    }

    /// A message as one line a person reads (nil: nothing to print).
    static func line(_ message: APIViews.StreamMessage) -> String? {
        switch message.type {
        case "order":
            let detail = message.detail
            var text = "#\(message.sequence ?? 0) order \(message.order ?? "?") \(message.event ?? "?")"
            if let fill = detail?.fill {
                text += " \(fill.venue) \(fill.quantity) @ \(fill.price) fee \(fill.fee)"
            } else if let child = detail?.child {
                text += " \(child.venue) \(child.quantity) @ \(child.limitPrice) \(child.status)"
                if let refusal = child.refusal { text += " (\(refusal.code))" }
            } else if let allocations = detail?.allocations {
                text +=
                    " "
                    + (allocations.isEmpty
                        ? "nothing to send" : allocations.map { "\($0.venue) \($0.quantity)" }.joined(separator: ", "))
            } else if let status = detail?.status {
                text += " \(status)" + (detail?.rejection.map { " (\($0.code): \($0.message))" } ?? "")
            }
            if let state = message.state { text += " — \(state.status) \(state.filledQuantity)/\(state.quantity)" }
            return text
        case "book":
            guard let book = message.book else { return nil }
            let bid = book.bids.first.map { "\($0.price)×\($0.quantity) \($0.venue)" } ?? "-"
            let ask = book.asks.first.map { "\($0.price)×\($0.quantity) \($0.venue)" } ?? "-"
            let left = book.venues.filter { !$0.included }.map { "\($0.venue) (\($0.code ?? "?"))" }
            return "book \(book.symbol): bid \(bid) | ask \(ask)"
                + (left.isEmpty ? "" : "; left out: " + left.joined(separator: ", "))
        case "venue":
            guard let venue = message.venue else { return nil }
            return "venue \(venue.id) \(venue.healthy ? "healthy" : "unhealthy") (breaker \(venue.breaker))"
        case "settlement":
            guard let settlement = message.settlement else { return nil }
            return
                "settlement \(settlement.id) order \(settlement.orderId) \(settlement.venue) \(settlement.quantity) \(settlement.symbol): \(settlement.status)"
        case "welcome":
            return
                "watching \(message.account ?? "?") from event \(message.sequence ?? 0) (latest \(message.latest ?? 0))"
        case "error":
            return "error \(message.code ?? ""): \(message.message ?? "")"
        default:
            return nil
        }
    }
}
