import PostgresNIO

/// One SQL statement with its values written into it as literals, for a unit of work sent as a
/// single `DO` block (one round trip to the server, whatever the number of rows).
///
/// Literals: integers as digits, booleans as TRUE/FALSE, nil as NULL, text in single quotes
/// with each quote doubled (`standard_conforming_strings` is set on every connection, so a
/// backslash is an ordinary character); text holding a NUL is refused (PostgreSQL text cannot).
struct InlineSQL: ExpressibleByStringInterpolation, Sendable {
    private(set) var sql = ""
    /// Text that cannot be written as a literal (a NUL character): the statement must not be sent.
    private(set) var refused: String?

    init(stringLiteral value: String) { sql = value }

    init(stringInterpolation: Interpolation) {
        sql = stringInterpolation.sql
        refused = stringInterpolation.refused
    }

    struct Interpolation: StringInterpolationProtocol {
        var sql = ""
        var refused: String?

        init(literalCapacity: Int, interpolationCount: Int) { sql.reserveCapacity(literalCapacity * 2) }

        mutating func appendLiteral(_ literal: String) { sql += literal }

        mutating func appendInterpolation(_ value: Int64) { sql += String(value) }
        mutating func appendInterpolation(_ value: Bool) { sql += value ? "TRUE" : "FALSE" }
        mutating func appendInterpolation(_ value: String) {
            if value.utf8.contains(0) { refused = value }
            sql += "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        }
        mutating func appendInterpolation(_ value: Int64?) {
            if let value { appendInterpolation(value) } else { sql += "NULL" }
        }
        mutating func appendInterpolation(_ value: Bool?) {
            if let value { appendInterpolation(value) } else { sql += "NULL" }
        }
        mutating func appendInterpolation(_ value: String?) {
            if let value { appendInterpolation(value) } else { sql += "NULL" }
        }
    }

    /// `statements` as one anonymous code block: run as one statement, all or nothing, in one
    /// round trip. Its dollar-quote tag is one the statements do not contain.
    static func block(_ statements: [InlineSQL]) throws -> PostgresQuery {
        if let refused = statements.lazy.compactMap(\.refused).first {
            throw JournalDatabaseError(
                message: "text with a NUL character cannot be journalled: \(refused.debugDescription.prefix(80))",
                sqlState: nil, doing: "")
        }
        let body = statements.map(\.sql).joined(separator: ";\n")
        var tag = "$ats$"
        var n = 0
        while body.contains(tag) {
            n += 1
            tag = "$ats\(n)$"
        }
        return PostgresQuery(unsafeSQL: "DO \(tag) BEGIN\n\(body);\nEND \(tag)")
    }
}
