import ATSDomain
import ATSVenues
import AsyncHTTPClient
import Foundation

/// Builds the adapter for a venue's dialect.
public enum VenueAdapters {
    public static func make(
        for venue: VenueDefinition, baseURL: String, credentials: VenueCredentials,
        client: HTTPClient, timeout: Duration
    ) -> any VenueAdapter {
        func http(_ shape: @escaping @Sendable (Data) -> (code: String, message: String, field: String?)?) -> VenueHTTP
        {
            VenueHTTP(venue: venue.id, baseURL: baseURL, client: client, timeout: timeout, errorShape: shape)
        }
        switch venue.dialect {
        case .tzero: return TZeroAdapter(http: http(TZeroAdapter.errorShape), credentials: credentials)
        case .archax: return ArchaxAdapter(http: http(ArchaxAdapter.errorShape), credentials: credentials)
        case .openfinance:
            return OpenfinanceAdapter(http: http(OpenfinanceAdapter.errorShape), credentials: credentials)
        case .securitize: return SecuritizeAdapter(http: http(SecuritizeAdapter.errorShape), credentials: credentials)
        case .texture: return TextureAdapter(http: http(TextureAdapter.errorShape), credentials: credentials)
        case .inx:
            return InxAdapter(http: http(InxAdapter.errorShape), credentials: credentials, rateLimit: venue.rateLimit)
        case .rialto: return RialtoAdapter(http: http(RialtoAdapter.errorShape), credentials: credentials)
        }
    }
}
