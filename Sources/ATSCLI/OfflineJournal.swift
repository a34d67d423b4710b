import ATSPostgres
import ATSStorage
import ArgumentParser
import Foundation

/// A journal opened read-only by a command that reads it offline (`settlements`, `positions`,
/// `report`): the PostgreSQL journal at a database URL, else the SQLite journal in a data folder.
/// Nothing is created, migrated or written; a journal that is not there is a usage error naming
/// where it was looked for.
enum OfflineJournal {
    static func open(dataDirectory: String, databaseURL: String?) throws -> (
        journal: any JournalStore, location: String
    ) {
        if let databaseURL {
            let url: DatabaseURL
            do { url = try DatabaseURL(databaseURL) } catch { throw ValidationError("--database-url: \(error)") }
            do {
                return (try PostgresJournal(url: url, readOnly: true), url.description)
            } catch {
                throw ValidationError("the journal at \(url) could not be read: \(error)")
            }
        }
        let path = (dataDirectory as NSString).appendingPathComponent("journal.sqlite")
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(
                "no journal at \(path): --data-dir names the folder `serve --data-dir` or `demo --data-dir` wrote")
        }
        do {
            return (try SQLiteJournal(path: path, readOnly: true), path)
        } catch {
            throw ValidationError("the journal at \(path) could not be read: \(error)")
        }
    }
}
