import Hummingbird
import Synchronization

/// A fault the mock injects into every venue request (not `/_mock`): how the router's health
/// checks, circuit breakers and malformed-reply handling are exercised over real HTTP.
public enum VenueFault: String, Sendable, CaseIterable {
    /// Serve normally.
    case none
    /// Answer 503 in the venue's error shape.
    case error
    /// Hold the request until the fault is cleared (at most a minute), then answer 503.
    case hang
    /// Answer 200 with a body that is not the venue's JSON.
    case malformed
}

/// The current fault of one mock venue; switched by tests and by `POST /_mock/fault?mode=…`.
public final class FaultSwitch: Sendable {
    private let current = Mutex(VenueFault.none)

    public init() {}

    public var fault: VenueFault { current.withLock { $0 } }
    public func set(_ fault: VenueFault) { current.withLock { $0 = fault } }
}

/// Applies the venue's fault switch to every request outside `/_mock`.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let faults: FaultSwitch
    let render: @Sendable (VenueError) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.path.hasPrefix("/_mock") { return try await next(request, context) }
        switch faults.fault {
        case .none:
            return try await next(request, context)
        case .error:
            return unavailable()
        case .hang:
            let deadline = ContinuousClock.now + .seconds(60)
            while faults.fault == .hang && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            return unavailable()
        case .malformed:
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "<html>upstream proxy error</html>")))
        }
    }

    func unavailable() -> Response {
        var response = render(
            VenueError(.badRequest, code: "venue_unavailable", "the venue is temporarily unavailable"))
        response.status = .serviceUnavailable
        return response
    }
}
