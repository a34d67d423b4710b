import Foundation
import Hummingbird

/// One page of a list endpoint: newest first, at most `limit` items, each older than the
/// `cursor` the previous page ended with. Cursors are opaque to clients (`nextCursor` of a reply,
/// passed back as `cursor`; `p1.` and a position today, a form the spec states exactly); they name a
/// position, so a page never repeats or skips an item when newer ones arrive meanwhile.
struct Page: Sendable, Hashable {
    static let defaultLimit = 100
    static let maximumLimit = 1_000

    var limit: Int
    /// Only items whose key is below this one (the last key of the page before).
    var before: Int64?

    /// `limit` (1 to ``maximumLimit``, default ``defaultLimit``) and `cursor` from the request's query.
    init(_ request: Request) throws(APIError) {
        let parameters = request.uri.queryParameters
        limit = Self.defaultLimit
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                throw APIError.invalid("limit", "must be from 1 to \(Self.maximumLimit)")
            }
            limit = value
        }
        if let text = parameters.get("cursor") {
            guard let key = Self.key(of: String(text)) else {
                throw APIError.invalid("cursor", "is not a cursor this API gave (pass a reply's nextCursor unchanged)")
            }
            before = key
        }
    }

    /// The cursor that continues after the item with `key`.
    static func cursor(after key: Int64) -> String { "p1.\(key)" }

    /// The position a cursor names: `p1.` then 1 to 18 digits, not starting with 0 (`^p1\.[1-9][0-9]{0,17}$`).
    static func key(of cursor: String) -> Int64? {
        guard cursor.hasPrefix("p1."), case let digits = cursor.dropFirst(3), (1...18).contains(digits.count),
            digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return Int64(digits)
    }

    /// This page of `newestFirst` (sorted by `key`, descending) and the cursor of the next page, if there is one.
    /// - Complexity: O(n) in the items before the page ends.
    func take<T>(_ newestFirst: some Sequence<T>, key: (T) -> Int64) -> (items: [T], nextCursor: String?) {
        var items: [T] = []
        var more = false
        for item in newestFirst where before.map({ key(item) < $0 }) ?? true {
            if items.count == limit {
                more = true
                break
            }
            items.append(item)
        }
        return (items, more ? items.last.map { Self.cursor(after: key($0)) } : nil)
    }
}
