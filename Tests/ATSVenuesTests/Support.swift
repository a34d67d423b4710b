import ATSDomain
import Foundation

@testable import ATSVenues

/// The repository's own files, found from this source file's place in the tree.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var venuesDirectory: String { root.appendingPathComponent("venues").path }
    static var configFile: String { root.appendingPathComponent("config.json").path }

    static func catalog() throws -> VenueCatalog { try VenueCatalog.load(directory: venuesDirectory) }
    static func configuration() throws -> RouterConfiguration {
        try RouterConfiguration.load(from: configFile, venues: try catalog())
    }
}

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "ats-venues-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: (path as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

/// `YYYY-MM-DDTHH:MM` in UTC.
func utc(_ text: String) -> Timestamp {
    let parts = text.split(separator: "T")
    let day = CalendarDate(String(parts[0]))!
    let time = LocalTime(String(parts[1]))!
    return Timestamp(secondsSinceEpoch: day.daysSinceEpoch * 86_400 + Int64(time.minutesAfterMidnight) * 60)
}
