import ATSDomain
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// The HTTP/1.1 server with the WebSocket upgrade (`GET /v1/stream`), keeping what the plain
/// server guarantees a hostile client: until the first request's head has arrived, the upgrade's
/// pipeline has no idle timeout and answers an unreadable request with nothing. This puts both
/// back: a connection whose first request head is not complete within the idle timeout is
/// closed, and a request the HTTP layer cannot read gets the API's JSON 400 and a close. After
/// the first head the upgrade channel's own handlers take over (idle timeout for HTTP, pings
/// for a WebSocket).
public struct GuardedUpgradeChannel: ServerChildChannel {
    public typealias Value = HTTP1WebSocketUpgradeChannel.Value
    let inner: HTTP1WebSocketUpgradeChannel
    let idleTimeout: Duration

    public static func builder<WS: HTTPResponderBuilder>(
        webSocketRouter: WS, configuration: HTTP1WebSocketUpgradeChannel.Configuration, idleTimeout: Duration
    ) -> HTTPServerBuilder where WS.Responder.Context: WebSocketRequestContext, WS.Responder: Sendable {
        let responder = webSocketRouter.buildResponder()
        return HTTPServerBuilder { http in
            GuardedUpgradeChannel(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: http, webSocketResponder: responder, configuration: configuration),
                idleTimeout: idleTimeout)
        }
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let first = FirstRequestGuard(timeout: .nanoseconds(idleTimeout.nanoseconds))
        do {
            try channel.pipeline.syncOperations.addHandler(first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(UnreadableRequestReply(first: first))
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// First in the pipeline: closes a connection whose first request head (up to its blank line)
/// has not arrived within the timeout, and writes raw replies past the HTTP encoder.
final class FirstRequestGuard: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var headSeen = false
    private var carry: [UInt8] = []
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !headSeen {
            let bytes = carry + Array(unwrapInboundIn(data).readableBytesView)
            let blank: [UInt8] = [13, 10, 13, 10]
            if bytes.count >= 4, (0...(bytes.count - 4)).contains(where: { Array(bytes[$0..<$0 + 4]) == blank }) {
                headSeen = true
                timer?.cancel()
                carry = []
            } else {
                carry = Array(bytes.suffix(3))
            }
        }
        context.fireChannelRead(data)
    }

    /// The API's 400 for a request the HTTP layer could not read, written to the socket, then a close.
    func rejectUnreadable() {
        guard let context else { return }
        let body = MalformedRequestBody.body
        let reply =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
            + body
        let channel = context.channel
        context.writeAndFlush(wrapInboundOut(ByteBuffer(string: reply))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

/// Last in the pipeline: an error from the HTTP decoder (a header too large, a malformed line)
/// is answered with the API's JSON 400.
final class UnreadableRequestReply: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    let first: FirstRequestGuard

    init(first: FirstRequestGuard) { self.first = first }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            first.rejectUnreadable()
        } else {
            context.fireErrorCaught(error)
        }
    }
}
