import ATSWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// An error the API answers with: `{"error": {"code": "...", "message": "...", "field": "..."}}`.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// The request field at fault, when there is one.
    public var field: String?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, "invalid_field", "\(field): \(message)", field: field)
    }

    var response: Response {
        // What a client should retry after a moment: the router recovering, an account changing hands.
        let retry: HTTPFields = ["not_ready", "account_moving"].contains(code) ? [.retryAfter: "1"] : [:]
        return jsonResponse(
            APIViews.ErrorBody(error: .init(code: code, message: message, field: field)), status: status,
            headers: retry)
    }
}

/// Encodes `value` as the response body, keys sorted.
func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data =
        (try? encoder.encode(value))
        ?? Data(#"{"error":{"code":"internal","message":"the reply could not be encoded"}}"#.utf8)
    var fields = headers
    fields[.contentType] = "application/json"
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// Renders every error as the API's JSON error: ours as they are, the framework's (no such
/// route, wrong method, body too large) with a code, anything else as a 500 that names no internals;
/// counts every reply by status and every error by code.
///
/// The router answers a known path with the wrong method as not found; this turns it into a 405
/// with `Allow` listing the methods the path takes (`allowedMethods`).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RouterMetrics
    let allowedMethods: @Sendable (String) -> [String]
    /// This instance's id when several share the journal: named on every reply (`X-ATS-Instance`).
    var instance: String? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var (response, code) = await respond(request, context: context, next: next)
        if let instance, response.headers[AccountForwarding.instance] == nil {
            response.headers[AccountForwarding.instance] = instance
        }
        let elapsed = ContinuousClock.now - start
        // The route as the router matched it (`/v1/orders/{id}`), never the path sent: bounded labels.
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        let nanoseconds =
            Int64(elapsed.components.seconds) * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        metrics.request(
            route: route, method: request.method.rawValue, status: Int(response.status.code), errorCode: code,
            nanoseconds: nanoseconds)
        // The access log: one line a request (the request id is the logger's own metadata).
        var line: Logger.Metadata = [
            "route": "\(route)", "method": "\(request.method)", "status": "\(response.status.code)",
            "duration_ms": "\(String(format: "%.3f", Double(nanoseconds) / 1_000_000))",
        ]
        if let account = (context as? APIContext)?.account { line["account"] = "\(account)" }
        if let code { line["error"] = "\(code)" }
        context.logger.info("request", metadata: line)
        return response
    }

    private func respond(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async
        -> (Response, String?)
    {
        do {
            return (try await next(request, context), nil)
        } catch let thrown as HTTPError where thrown.status == .notFound {
            // The router says not found for a known path with a method it does not take, too.
            let allowed = allowedMethods(request.uri.path)
            guard !allowed.isEmpty else {
                let rendered = render(thrown, request, context: context)
                return (rendered.response, rendered.code)
            }
            var response = APIError(
                .methodNotAllowed, "method_not_allowed",
                "\(request.uri.path) takes \(allowed.joined(separator: ", ")), not \(request.method)"
            ).response
            response.headers[.allow] = allowed.joined(separator: ", ")
            return (response, "method_not_allowed")
        } catch {
            let rendered = render(error, request, context: context)
            return (rendered.response, rendered.code)
        }
    }

    private func render(_ error: any Error, _ request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            let code =
                switch error.status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .contentTooLarge: "body_too_large"
                case .unsupportedMediaType: "unsupported_media_type"
                default: "bad_request"
                }
            let message =
                error.status == .notFound || error.status == .methodNotAllowed
                ? "\(request.method) \(request.uri.path) is not an endpoint of this API"
                : (error.body ?? "\(error.status)")
            return APIError(error.status, code, message)
        default:
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return APIError(.internalServerError, "internal", "the request could not be completed")
        }
    }
}
