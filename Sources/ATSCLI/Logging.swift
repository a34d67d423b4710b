import ArgumentParser
import Foundation
import Logging
import Synchronization

/// The log options of the commands that run servers (`serve`, `venue serve`): swift-log
/// bootstrapped once per process, to standard error, as text or as one JSON object a line.
struct LoggingOptions: ParsableArguments {
    enum Level: String, ExpressibleByArgument, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
        var level: Logger.Level { Logger.Level(rawValue: rawValue)! }
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The lowest level logged.") var logLevel: Level = .info
    @Option(help: "text (one line a record) or json (one JSON object a line, for a log shipper).")
    var logFormat: Format = .text

    private static let bootstrapped = Mutex(false)

    /// Bootstraps swift-log the first time it is called in this process; later calls change nothing.
    func bootstrap() {
        let first = Self.bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let level = logLevel.level
        switch logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: level) }
        }
    }
}

/// One JSON object a line on standard error: `time` (ISO 8601, UTC), `level`, `label`, `message`,
/// `source`, and the metadata's keys (`request_id`, `account`, `route`, `order`, `child`, `venue`…).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    /// Lines are written one at a time; the formatter (not thread-safe) is used under the same lock.
    private static let output = Mutex(Self.formatter())

    private static func formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    init(label: String, logLevel: Logger.Level) {
        self.label = label
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key == "hb.request.id" ? "request_id" : key] = Self.json(value)
        }
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = "\(event.message)"
        object["source"] = event.source
        let now = Date()
        Self.output.withLock { formatter in
            object["time"] = formatter.string(from: now)
            guard
                let data = try? JSONSerialization.data(
                    withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            else { return }
            FileHandle.standardError.write(data + Data("\n".utf8))
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
