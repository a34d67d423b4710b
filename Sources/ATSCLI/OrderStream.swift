import ATSWire
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// The event stream as `submit` follows an order through it: each `order` message's state, as
/// the router sends it, until closed.
final class OrderStream: Sendable {
    let states: AsyncStream<APIViews.OrderView>
    private let continuation: AsyncStream<APIViews.OrderView>.Continuation
    private let writer = Mutex<WebSocketOutboundWriter?>(nil)
    private let welcomed = Atomic<Bool>(false)
    private let ended = Atomic<Bool>(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Opens the stream of the client's account from now on.
    init(_ client: RouterClient) {
        (states, continuation) = AsyncStream<APIViews.OrderView>.makeStream()
        let (url, configuration) = client.stream(resume: nil)
        var logger = Logger(label: "ats.submit")
        logger.logLevel = .critical
        task.withLock {
            $0 = Task { [self, configuration, logger] in
                _ = try? await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) {
                    inbound, outbound, _ in
                    self.writer.withLock { $0 = outbound }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        guard case .text(let text) = message,
                            let decoded = try? JSONDecoder().decode(APIViews.StreamMessage.self, from: Data(text.utf8))
                        else { continue }
                        if decoded.type == "welcome" { self.welcomed.store(true, ordering: .releasing) }
                        if let state = decoded.state { self.continuation.yield(state) }
                    }
                }
                self.ended.store(true, ordering: .releasing)
                self.continuation.finish()
            }
        }
    }

    /// Whether the stream is open and authenticated, waiting at most `timeout`.
    func ready(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if welcomed.load(ordering: .acquiring) { return true }
            if ended.load(ordering: .acquiring) { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Closes the stream and waits (briefly) for it to end.
    func close() async {
        if let outbound = writer.withLock({ $0 }) { try? await outbound.close(.normalClosure, reason: nil) }
        let running = task.withLock { $0 }
        let deadline = ContinuousClock.now + .seconds(2)
        while !ended.load(ordering: .acquiring) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if !ended.load(ordering: .acquiring) { running?.cancel() }
    }
}

extension RouterClient {
    /// `GET /v1/stream` on this router (`ws://` or `wss://`), from `resume` when given, with the key
    /// in the upgrade's header.
    func stream(resume: Int?) -> (url: String, configuration: WebSocketClientConfiguration) {
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders[.authorization] = "Bearer \(apiKey)"
        let url =
            base.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(
                of: "https://", with: "wss://") + "/v1/stream" + (resume.map { "?resume=\($0)" } ?? "")
        return (url, configuration)
    }
}
