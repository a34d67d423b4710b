import Foundation
import GRDB
import Testing

@testable import ATSStorage

/// A journal is trusted only once it proves to be one: an existing file that is empty, has lost
/// its meta row or its migrations, names a migration this version does not know, or has rows
/// that point at rows that are gone is refused, naming the file, unless the operator asks for a
/// new journal in it.
@Suite struct JournalTamperTests {
    /// A journal with one parent, its child and its event, closed.
    static func journal() throws -> String {
        let path = JournalTests.temporaryPath()
        let journal = try SQLiteJournal(path: path)
        try journal.recordParent(JournalTests.parent(1))
        try journal.recordChild(JournalTests.child("p1-c1", parent: 1))
        return path
    }

    /// Changes the file as an operator with `sqlite3` would: foreign keys off, triggers as they are.
    static func tamper(_ path: String, _ sql: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    static func refusal(_ path: String) -> String? {
        do {
            _ = try SQLiteJournal(path: path)
            return nil
        } catch let refused as SQLiteJournal.RefusedJournal {
            return refused.description
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test func aZeroByteFileIsRefusedUnlessTheOperatorInitialisesIt() throws {
        let path = JournalTests.temporaryPath()
        FileManager.default.createFile(atPath: path, contents: Data())
        let refused = try #require(Self.refusal(path))
        #expect(
            refused.contains(path) && refused.contains("empty") && refused.contains("--initialise-journal"),
            "\(refused)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty, "a refused file is left as it was")
        let made = try SQLiteJournal(path: path, initialiseExisting: true)
        #expect(try made.appliedMigrations().count == 11)
        #expect(Self.refusal(path) == nil, "once initialised it is a journal")
    }

    @Test func aFileThatIsNotSQLiteIsRefused() throws {
        let path = JournalTests.temporaryPath()
        FileManager.default.createFile(
            atPath: path, contents: Data(String(repeating: "not a database ", count: 300).utf8))
        let refused = try #require(Self.refusal(path))
        #expect(refused.contains(path) && refused.contains("not an SQLite database"), "\(refused)")
    }

    @Test func aMissingFileIsANewJournal() throws {
        let path = JournalTests.temporaryPath()
        #expect(try SQLiteJournal(path: path).lastParentID() == 0)
    }

    @Test(arguments: [
        ("DELETE FROM journal_meta", "journal_meta"),
        ("INSERT INTO journal_meta (tag, createdAt) VALUES ('x', 0)", "journal_meta"),
        ("DELETE FROM grdb_migrations", "no migrations"),
        ("INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')", "v9: from the future"),
        ("DELETE FROM parent_order WHERE id = 1", "refer to rows that are gone"),
        ("UPDATE child_order SET parentId = 7", "refer to rows that are gone"),
    ])
    func aTamperedJournalIsRefusedNamingWhy(sql: String, reason: String) throws {
        let path = try Self.journal()
        try Self.tamper(path, sql)
        let refused = try #require(Self.refusal(path), "\(sql) was accepted")
        #expect(refused.contains(reason) && refused.contains(path), "\(sql): \(refused)")
    }

    @Test func anUntouchedJournalOpensAgain() throws {
        let path = try Self.journal()
        #expect(Self.refusal(path) == nil)
        #expect(try SQLiteJournal(path: path, readOnly: true).lastParentID() == 1)
    }
}
