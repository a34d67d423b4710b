import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Gives the reply to a request that is not valid HTTP/1.1 (a header too large, a malformed
/// request line) the API's JSON error body. The HTTP server answers such a request itself — a 400
/// with no body, then it closes the connection — before any route or middleware sees it; this
/// handler, on the connection's pipeline, recognises that reply and fills in the body.
public final class MalformedRequestBody: ChannelOutboundHandler, RemovableChannelHandler {
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    public init() {}

    static let body =
        #"{"error":{"code":"malformed_request","message":"the request is not valid HTTP/1.1 (a header or line too large, or malformed); the connection is closed"}}"#

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), head.status == .badRequest,
            head.headerFields[.contentLength] == "0", head.headerFields[.connection] == "close"
        else {
            context.write(data, promise: promise)
            return
        }
        let body = ByteBuffer(string: Self.body)
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.contentType] = "application/json"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: promise)
    }
}
