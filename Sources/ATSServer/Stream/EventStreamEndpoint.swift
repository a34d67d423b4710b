import ATSDomain
import ATSOrders
import ATSRouter
import ATSWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Synchronization

/// The context of the WebSocket upgrade router (`GET /v1/stream`).
public struct StreamContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>

    public init(source: Source) {
        coreContext = .init(source: source)
        webSocket = .init()
    }
}

/// `GET /v1/stream`: the account's live events over a WebSocket (``StreamSession``).
///
/// Authentication is the API key, in the upgrade's `Authorization: Bearer` header or (browsers
/// cannot set headers on a WebSocket) in a first message `{"auth": key}`; a bad key gets an
/// `error` message and the close code 1008. `?resume=N` replays every order event after N.
enum EventStreamEndpoint {
    static func register(on router: Router<StreamContext>, runtime: any RouterService, settings: StreamSettings) {
        let keys = APIKeys(runtime.configuration.accounts, officers: runtime.configuration.complianceOfficers ?? [])
        router.ws("v1/stream") { inbound, outbound, context in
            let messages = AsyncStream<StreamSession.Input>.makeStream(
                bufferingPolicy: .bufferingOldest(settings.buffer))
            // Subscribed before anything is read, so nothing published meanwhile is missed.
            let live = runtime.router.orders.eventStream.subscribe(buffer: settings.buffer)
            let writer = StreamWriter(outbound: outbound)
            let caller = StreamCaller()
            // The session runs beside the reading of the client's messages; whichever ends first
            // ends the connection (the session closes it; a client that left ends the session).
            let session = Task {
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await forward(live, into: messages.continuation, for: caller) }
                        group.addTask {
                            while !Task.isCancelled {
                                try await Task.sleep(for: settings.bookInterval)
                                messages.continuation.yield(.tick)
                            }
                        }
                        group.addTask {
                            try await run(
                                context.request, messages.stream, runtime: runtime, keys: keys, settings: settings,
                                writer: writer, caller: caller)
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                    try? await withTimeout(.seconds(2)) { try await outbound.close(.normalClosure, reason: nil) }
                } catch let closing as StreamSession.Closing {
                    var message = APIViews.StreamMessage(type: "error")
                    message.code = closing.code
                    message.message = closing.message
                    // A client that reads nothing is not waited for.
                    try? await withTimeout(.seconds(2)) { [message] in
                        try await writer.send(message)
                        try await outbound.close(.policyViolation, reason: closing.code)
                    }
                } catch {
                    try? await withTimeout(.seconds(2)) {
                        try await outbound.close(.unexpectedServerError, reason: nil)
                    }
                }
            }
            try? await read(inbound, into: messages.continuation)
            session.cancel()
            await session.value
        }
    }

    /// Authenticates, then runs the session over `inputs` until the client leaves.
    private static func run(
        _ request: Request, _ inputs: AsyncStream<StreamSession.Input>, runtime: any RouterService, keys: APIKeys,
        settings: StreamSettings, writer: StreamWriter, caller: StreamCaller
    ) async throws {
        var inputs = inputs.makeAsyncIterator()
        let resume = try resumePoint(request)
        let account = try await authenticate(request, &inputs, keys: keys, timeout: settings.authTimeout)
        caller.account.withLock { $0 = account }
        guard runtime.configuration.account(account) != nil else {
            throw StreamSession.Closing(code: "unknown_account", message: "the API key's account is not configured")
        }
        let latest: Int
        do { latest = try await runtime.router.orders.streamPosition(of: account) } catch {
            throw StreamSession.Closing(code: "journal_unavailable", message: "the journal could not be read: \(error)")
        }
        var session = StreamSession(
            runtime: runtime, account: account, settings: settings, resume: min(resume ?? latest, latest),
            send: writer.send)
        try await session.start(latest: latest)
        while let input = await inputs.next() { try await session.handle(input) }
    }

    /// `?resume=N`: a whole number of at least 0.
    private static func resumePoint(_ request: Request) throws -> Int? {
        guard let text = request.uri.queryParameters.get("resume") else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw StreamSession.Closing(
                code: "invalid_resume", message: "resume must be the last sequence seen (a whole number, 0 or more)")
        }
        return value
    }

    /// The account behind the upgrade's `Authorization` header, or else behind the first
    /// message's `auth`, which must come within `timeout`.
    private static func authenticate(
        _ request: Request, _ inputs: inout AsyncStream<StreamSession.Input>.Iterator, keys: APIKeys,
        timeout: Duration
    ) async throws -> AccountID {
        func account(_ key: String) throws -> AccountID {
            switch keys.principal(for: key) {
            case .account(let account): return account
            case .officer:
                throw StreamSession.Closing(
                    code: "compliance_key", message: "a compliance officer's key trades for no account")
            case nil: throw StreamSession.Closing(code: "unauthorized", message: "the API key is not recognised")
            }
        }
        if let header = request.headers[.authorization] {
            guard let key = APIKeys.bearerKey(header) else {
                throw StreamSession.Closing(code: "unauthorized", message: "send Authorization: Bearer <api key>")
            }
            return try account(key)
        }
        let deadline = ContinuousClock.now + timeout
        while let input = await inputs.next() {
            if case .request(let request) = input, let key = request.auth { return try account(key) }
            if ContinuousClock.now >= deadline { break }
            // Events published meanwhile are read from the journal once the session starts.
            if case .tick = input { continue }
            if case .event = input { continue }
            throw StreamSession.Closing(
                code: "unauthorized", message: "send {\"auth\": \"<api key>\"} first (or the Authorization header)")
        }
        throw StreamSession.Closing(code: "unauthorized", message: "no API key within \(timeout)")
    }

    /// The client's messages as inputs: each a JSON ``APIViews/StreamRequest``.
    private static func read(
        _ inbound: WebSocketInboundStream, into inputs: AsyncStream<StreamSession.Input>.Continuation
    )
        async throws
    {
        defer { inputs.finish() }
        for try await message in inbound.messages(maxSize: 16 * 1024) {
            guard case .text(let text) = message else {
                inputs.yield(.malformed("send each message as JSON text"))
                continue
            }
            do {
                inputs.yield(.request(try JSONDecoder().decode(APIViews.StreamRequest.self, from: Data(text.utf8))))
            } catch {
                inputs.yield(
                    .malformed(
                        "not a stream request: send a JSON object with auth, subscribe, unsubscribe, side or depth"))
            }
        }
    }

    /// Live order events of the connection's account (none before it is known: the journal has
    /// them) as inputs; a connection that falls ``StreamSettings/buffer`` behind is closed.
    private static func forward(
        _ live: AsyncThrowingStream<OrderEvent, any Error>, into inputs: AsyncStream<StreamSession.Input>.Continuation,
        for caller: StreamCaller
    ) async throws {
        let slow = StreamSession.Closing(
            code: "slow_consumer",
            message: "the connection fell too far behind the events; reconnect with ?resume=<last sequence seen>")
        do {
            for try await event in live where caller.account.withLock({ $0 == event.account }) {
                if case .dropped = inputs.yield(.event(event)) { throw slow }
            }
        } catch is OrderEventStream.Overflow {
            throw slow
        }
    }
}

/// `body`, given up after `limit`.
func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw CancellationError()
        }
        try await group.next()
        group.cancelAll()
    }
}

/// The account a connection authenticated as, once it has: only its events take room in the
/// connection's buffer.
final class StreamCaller: Sendable {
    let account = Mutex<AccountID?>(nil)
}

/// Encodes and writes messages, one at a time.
struct StreamWriter: Sendable {
    let outbound: WebSocketOutboundWriter

    func send(_ message: APIViews.StreamMessage) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try await outbound.write(.text(String(decoding: try encoder.encode(message), as: UTF8.self)))
    }
}
