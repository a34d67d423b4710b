import ATSDomain
import ATSMatching
import ATSVenues
import Foundation
import Hummingbird

/// What every dialect's routes share: the venue's engine, its credentials and its login tokens.
struct DialectContext: Sendable {
    let engine: VenueEngine
    let credentials: MockCredentials
    let tokens: TokenStore
    let clock: any TradingClock
}

typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

/// Wraps a handler so that nothing it throws escapes: venue errors render in the dialect's own error
/// shape, anything else as an internal error in that shape too (never a dropped connection).
func guarded(_ render: @escaping @Sendable (VenueError) -> Response, _ handler: @escaping Handler) -> Handler {
    { request, context in
        do {
            return try await handler(request, context)
        } catch let error as VenueError {
            return render(error)
        } catch {
            var rendered = render(
                VenueError(.badRequest, code: "internal_error", "the venue could not process the request"))
            rendered.status = .internalServerError
            return rendered
        }
    }
}

/// Market data every dialect serves in its own shape: levels as decimal strings, best first.
struct DepthView {
    let sequence: UInt64
    let bids: [LevelSummary]
    let asks: [LevelSummary]

    init(_ book: OrderBook, levels: Int) {
        let depth = book.depth(levels: levels)
        sequence = depth.sequence
        bids = depth.bids
        asks = depth.asks
    }
}

/// Query parameter `levels` (or the dialect's name for it), 1...100, default 10.
func levelsParameter(_ request: Request, name: String = "levels") throws(VenueError) -> Int {
    guard let text = request.uri.queryParameters.get(name) else { return 10 }
    guard let levels = Int(text), (1...100).contains(levels) else {
        throw VenueError(
            .badRequest, code: "invalid_field", field: name, "\(name) must be a whole number from 1 to 100")
    }
    return levels
}

/// Query parameter `sinceSequence` (or the dialect's name for it): nil when absent.
func sinceParameter(_ request: Request, name: String = "sinceSequence") throws(VenueError) -> UInt64? {
    guard let text = request.uri.queryParameters.get(name) else { return nil }
    guard let value = UInt64(text) else {
        throw VenueError(.badRequest, code: "invalid_field", field: name, "\(name) must be a whole number")
    }
    return value
}

extension Timestamp {
    /// ISO 8601 with milliseconds, as venues print times.
    var iso8601: String { description }
}
