import ATSDomain
import ATSVenues
import Foundation
import Hummingbird

/// Investor onboarding at each venue, in the venue's own path, authentication and error shape
/// (the shape of the application is this project's design, an assumption: no venue publishes
/// one): `POST {path}` files an application under the broker's `applicationId` (the same id
/// again is the same application), `GET {path}/{id}` reads it, `POST {path}/{id}/supplement`
/// answers a request for more information. Rialto spells fields in snake case, the rest in camel.
enum OnboardingRoutes {
    /// Where each dialect serves onboarding.
    static func path(_ dialect: VenueDefinition.Dialect) -> String {
        switch dialect {
        case .tzero: "/api/v1/onboarding/investors"
        case .archax: "/onboarding/clients"
        case .securitize: "/v1/investors/onboarding"
        case .texture: "/api/v2/onboarding"
        case .openfinance: "/of/v1/onboarding"
        case .rialto: "/api/v2/investors"
        case .inx: "/api/v1/onboarding"
        }
    }

    struct Filing: Codable {
        let applicationId: String
        let applicant: OnboardingApplicant
    }
    struct Supplement: Codable {
        let applicant: OnboardingApplicant
    }
    struct Application: Codable {
        let id: String, applicationId: String, status: String, reason: String?, submissions: Int
    }

    static func view(_ application: MockApplication, snake: Bool) -> Application {
        Application(
            id: String(application.id), applicationId: application.key,
            status: snake ? application.status.rawValue : application.status.rawValue.uppercased(),
            reason: application.reason, submissions: application.submissions)
    }

    static func install(
        on router: Router<BasicRequestContext>, engine: VenueEngine,
        render: @escaping @Sendable (VenueError) -> Response,
        authenticate: @escaping @Sendable (Request, [UInt8]) async throws -> String
    ) {
        let onboarding = engine.onboarding
        let dialect = engine.definition.dialect
        let base = path(dialect)
        let snake = dialect == .rialto
        @Sendable func reply(_ application: MockApplication, _ status: HTTPResponse.Status = .ok) -> Response {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            if snake { encoder.keyEncodingStrategy = .convertToSnakeCase }
            let data = (try? encoder.encode(view(application, snake: snake))) ?? Data("{}".utf8)
            return Response(
                status: status, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        @Sendable func decode<T: Decodable>(_ body: [UInt8], as type: T.Type) throws -> T {
            guard snake else { return try decodeJSON(body, as: T.self) }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            do { return try decoder.decode(T.self, from: Data(body)) } catch {
                throw VenueError(.badRequest, code: "invalid_field", "the application could not be read: \(error)")
            }
        }
        @Sendable func id(_ context: BasicRequestContext) throws -> UInt64 {
            guard let id = UInt64(context.parameters.get("id") ?? "") else {
                throw VenueError(.notFound, "no application \(context.parameters.get("id") ?? "")")
            }
            return id
        }
        router.post(
            RouterPath(base),
            use: guarded(render) { request, _ in
                let body = try await rawBody(request)
                let owner = try await authenticate(request, body)
                let filing = try decode(body, as: Filing.self)
                let (made, replayed) = try await onboarding.file(
                    key: filing.applicationId, applicant: filing.applicant, owner: owner)
                return reply(made, replayed ? .ok : .created)
            })
        router.get(
            RouterPath(base + "/{id}"),
            use: guarded(render) { request, context in
                let owner = try await authenticate(request, [])
                return reply(try await onboarding.application(try id(context), owner: owner))
            })
        router.post(
            RouterPath(base + "/{id}/supplement"),
            use: guarded(render) { request, context in
                let body = try await rawBody(request)
                let owner = try await authenticate(request, body)
                let supplement = try decode(body, as: Supplement.self)
                return reply(
                    try await onboarding.supplement(try id(context), applicant: supplement.applicant, owner: owner))
            })
    }
}
