import ATSDomain
import ATSVenues
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Serves one venue's ``VenueEngine`` over HTTP in the venue's own dialect.
public enum MockVenueServer {
    /// The routes: the venue's dialect, plus `GET /health` and the simulation controls under `/_mock`
    /// (`POST /_mock/pause`, `/_mock/resume`, `/_mock/step?count=N`, `/_mock/auction`,
    /// `/_mock/offerings/{id}/close` (the issuer closes an offering now, which allocates it),
    /// `/_mock/onboarding/review?seconds=N` (how long onboarding review takes from now on),
    /// `/_mock/fault?mode=none|error|hang|malformed`, `GET /_mock/orders`: every client order and how
    /// many times its key was submitted), which need
    /// the header `x-mock-admin: <secret>`.
    public static func router(engine: VenueEngine, credentials: MockCredentials, clock: any TradingClock) -> Router<
        BasicRequestContext
    > {
        let router = Router()
        let context = DialectContext(
            engine: engine, credentials: credentials, tokens: TokenStore(clock: clock), clock: clock)
        let render: @Sendable (VenueError) -> Response
        switch engine.definition.dialect {
        case .tzero: render = TZeroDialect.render
        case .archax: render = ArchaxDialect.render
        case .securitize: render = SecuritizeDialect.render
        case .texture: render = TextureDialect.render
        case .openfinance: render = OpenfinanceDialect.render
        case .inx: render = InxDialect.render
        case .rialto: render = RialtoDialect.render
        }
        // Unknown paths and anything the framework refuses answer in the venue's own error shape.
        router.add(middleware: DialectErrorMiddleware(render: render))
        router.add(middleware: FaultMiddleware(faults: engine.faults, render: render))
        switch engine.definition.dialect {
        case .tzero:
            TZeroDialect.install(on: router, context)
            TZeroOfferings.install(on: router, context)
        case .archax: ArchaxDialect.install(on: router, context)
        case .securitize:
            SecuritizeDialect.install(on: router, context)
            SecuritizeOfferings.install(on: router, context)
        case .texture:
            TextureDialect.install(on: router, context)
            TextureOfferings.install(on: router, context)
        case .openfinance: OpenfinanceDialect.install(on: router, context)
        case .inx: InxDialect.install(on: router, context)
        case .rialto:
            RialtoDialect.install(on: router, context)
            RialtoOfferings.install(on: router, context)
        }
        let authenticate: (@Sendable (Request, [UInt8]) async throws -> String)? =
            switch engine.definition.dialect {
            case .tzero: { request, _ in try await TZeroDialect.authenticate(request, context) }
            case .archax: { request, _ in try await ArchaxDialect.authenticate(request, context) }
            case .securitize: { request, _ in try SecuritizeDialect.authenticate(request, context) }
            case .texture: { request, _ in try TextureDialect.authenticate(request, context) }
            case .openfinance: { request, _ in try OpenfinanceDialect.authenticate(request, context) }
            case .rialto: { request, _ in try RialtoDialect.authenticate(request, context) }
            case .inx: nil  // signed requests: InxDialect installs its own
            }
        if let authenticate {
            OnboardingRoutes.install(on: router, engine: engine, render: render, authenticate: authenticate)
        }
        let venue = engine.definition
        router.get("/health") { _, _ in
            json(["venue": venue.id.rawValue, "dialect": venue.dialect.rawValue, "status": "ok"])
        }
        func admin(_ action: @escaping @Sendable (Request) async -> (HTTPResponse.Status, [String: String])) -> Handler
        {
            { request, _ in
                guard header(request, "x-mock-admin") == credentials.secret else {
                    return json(["error": "x-mock-admin is missing or wrong"], status: .unauthorized)
                }
                let (status, body) = await action(request)
                return json(body, status: status)
            }
        }
        router.post(
            "/_mock/offerings/{id}/close",
            use: { request, requestContext in
                guard header(request, "x-mock-admin") == credentials.secret else {
                    return json(["error": "x-mock-admin is missing or wrong"], status: .unauthorized)
                }
                let id = requestContext.parameters.get("id") ?? ""
                do {
                    switch try await engine.offerings.close(id) {
                    case .allocated(let shares):
                        return json(["offering": id, "outcome": "allocated", "subscriptions": String(shares.count)])
                    case .cancelled(let raised):
                        return json(["offering": id, "outcome": "cancelled", "raised": raised.description])
                    }
                } catch {
                    return json(["error": "no offering \(id)"], status: .notFound)
                }
            })
        router.post(
            "/_mock/onboarding/review",
            use: admin { request in
                guard let seconds = request.uri.queryParameters.get("seconds").flatMap({ Int64($0) }), seconds >= 0
                else {
                    return (.badRequest, ["error": "seconds must be a whole number from 0"])
                }
                await engine.onboarding.setReview(seconds: seconds)
                return (.ok, ["reviewSeconds": String(seconds)])
            })
        router.post(
            "/_mock/pause",
            use: admin { _ in
                await engine.pause()
                return (.ok, ["paused": "true"])
            })
        router.post(
            "/_mock/resume",
            use: admin { _ in
                await engine.resume()
                return (.ok, ["paused": "false"])
            })
        router.post(
            "/_mock/step",
            use: admin { request in
                let count = request.uri.queryParameters.get("count").map { Int($0) ?? 0 } ?? 1
                guard (1...10_000).contains(count) else {
                    return (.badRequest, ["error": "count must be from 1 to 10000"])
                }
                await engine.step(count: count)
                return (.ok, ["stepped": String(count)])
            })
        router.post(
            "/_mock/fault",
            use: admin { request in
                guard let fault = request.uri.queryParameters.get("mode").flatMap({ VenueFault(rawValue: String($0)) })
                else {
                    return (
                        .badRequest,
                        ["error": "mode must be one of \(VenueFault.allCases.map(\.rawValue).joined(separator: ", "))"]
                    )
                }
                engine.faults.set(fault)
                return (.ok, ["fault": fault.rawValue])
            })
        router.get("/_mock/orders") { request, _ in
            guard header(request, "x-mock-admin") == credentials.secret else {
                return json(["error": "x-mock-admin is missing or wrong"], status: .unauthorized)
            }
            return json(await engine.clientOrders())
        }
        router.post(
            "/_mock/auction",
            use: admin { _ in
                let results = await engine.runAuctions()
                return (
                    .ok,
                    Dictionary(
                        uniqueKeysWithValues: results.map {
                            ($0.key.rawValue, "\($0.value.matchedVolume) @ \($0.value.price)")
                        })
                )
            })
        return router
    }

    /// An application serving `engine` on `host:port` (port 0 picks a free one; `onRunning` learns which),
    /// with the simulation stepping every `stepInterval` unless paused.
    public static func application(
        engine: VenueEngine, credentials: MockCredentials, clock: any TradingClock, host: String = "127.0.0.1",
        port: Int = 0,
        stepInterval: Duration? = .milliseconds(250), logLevel: Logger.Level = .info,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "ats-mock-\(engine.definition.id)")
        logger.logLevel = logLevel
        var services: [any Service] = []
        if let stepInterval { services.append(SimulationService(engine: engine, interval: stepInterval)) }
        return Application(
            router: router(engine: engine, credentials: credentials, clock: clock),
            configuration: .init(address: .hostname(host, port: port), serverName: "ats-mock-\(engine.definition.id)"),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

/// Steps a venue's simulation on a timer until cancelled.
struct SimulationService: Service {
    let engine: VenueEngine
    let interval: Duration

    func run() async throws {
        // A graceful shutdown ends the loop at once (the group waits for every service to return).
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await engine.step()
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
            }
        }
    }
}

/// Renders errors thrown by the framework itself (no such route, wrong method) in the dialect's shape.
struct DialectErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let render: @Sendable (VenueError) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let kind: VenueError.Kind = error.status == .notFound ? .notFound : .badRequest
            var response = render(
                VenueError(
                    kind, code: error.status == .notFound ? "no_such_endpoint" : "bad_request",
                    "\(request.method) \(request.uri.path) is not an endpoint of this venue"))
            response.status = error.status
            return response
        }
    }
}
