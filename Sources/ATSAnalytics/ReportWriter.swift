import ATSDomain
import ATSVenues
import ATSWire
import Foundation

/// Writes a report's files: `report.md`, `report.json`, `report.html` and the CSV tables.
public enum ReportWriter {
    public enum Format: String, Sendable, CaseIterable {
        case markdown = "md", json, csv, html
    }

    /// The formats named in `text` (`md`, `json`, `csv`, `html`, comma-separated, or `all`); nil if one is unknown.
    public static func formats(_ text: String) -> [Format]? {
        if text.lowercased() == "all" { return Format.allCases }
        var result: [Format] = []
        for part in text.split(separator: ",") {
            guard let format = Format(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()) else {
                return nil
            }
            if !result.contains(format) { result.append(format) }
        }
        return result.isEmpty ? nil : result
    }

    public static func json(_ report: Report) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(report)) ?? Data()
    }

    /// Writes `formats` into `directory` (created if missing); returns the paths written.
    public static func write(_ report: Report, formats: [Format], to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [(String, Data)] = []
        for format in formats {
            switch format {
            case .markdown: files.append(("report.md", Data(ReportText.markdown(report).utf8)))
            case .json: files.append(("report.json", json(report)))
            case .html: files.append(("report.html", Data(ReportHTML.render(report).utf8)))
            case .csv: files += ReportText.csv(report).map { ($0.name, Data($0.text.utf8)) }
            }
        }
        return try files.map { name, data in
            let path = (directory as NSString).appendingPathComponent(name)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            return path
        }
    }
}

/// The bounds of a report: `2026-11-23` (midnight UTC) or `2026-11-23T15:30:00Z` / `2026-11-23T15:30Z`;
/// nil for anything else, including a date a ``Timestamp`` cannot hold (before 1678, after 2261).
public enum ReportTime {
    public static func parse(_ text: String) -> Timestamp? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let date = CalendarDate(String(parts[0])) else { return nil }
        var seconds = date.daysSinceEpoch * 86_400
        if parts.count == 2 {
            var clock = String(parts[1])
            guard clock.hasSuffix("Z") else { return nil }
            clock.removeLast()
            let fields = clock.split(separator: ":", omittingEmptySubsequences: false).map { Int64($0) }
            guard (2...3).contains(fields.count), fields.allSatisfy({ $0 != nil }),
                let hour = fields[0], let minute = fields[1], (0..<24).contains(hour), (0..<60).contains(minute)
            else { return nil }
            let second = fields.count == 3 ? fields[2]! : 0
            guard (0..<60).contains(second) else { return nil }
            seconds += hour * 3_600 + minute * 60 + second
        }
        return Timestamp(checkedSecondsSinceEpoch: seconds)
    }
}
