import ATSDomain
import ATSVenues
import Foundation

/// `PUT /v1/investors/{account}`: the record as the compliance officer sends it, every field
/// checked and named when wrong. The fields a `GET` adds (`account`, `standing`, `onboardings`,
/// `updatedBy`, `updatedAt`) may be sent back unchanged and are ignored, so a record read, edited
/// and put back is accepted.
struct InvestorRequestParser {
    let parser: OrderRequestParser

    static let fields: Set<String> = [
        "revision", "legalName", "jurisdiction", "usPerson", "kyc", "accreditation", "qualifiedPurchaser",
        "professional", "wallets",
    ]
    static let readOnly: Set<String> = ["account", "standing", "onboardings", "updatedBy", "updatedAt"]
    static let kycFields: Set<String> = ["status", "provider", "verifiedOn", "expiresOn", "note"]
    static let accreditationFields: Set<String> = ["method", "verifiedOn", "evidence", "valid506cThrough"]
    static let evidenceFields: Set<String> = ["evidence", "verifiedOn"]

    func parse(_ data: Data, account: AccountID) throws(APIError) -> InvestorRecord {
        let body = try parser.object(data)
        try Self.known(body, Self.fields.union(Self.readOnly), prefix: "")
        if let named = body["account"] as? String, named != account.rawValue {
            throw .invalid("account", "is \(named.prefix(64)) but the path names \(account)")
        }
        guard let revision = body["revision"] else {
            throw APIError(.badRequest, "missing_field", "revision is required (the one read)", field: "revision")
        }
        guard let number = revision as? NSNumber, !Self.isBool(number), let value = Int(exactly: number.doubleValue),
            value >= 0
        else { throw .invalid("revision", "must be a whole number from 0, the revision read") }
        let kyc = try kycPart(try Self.object(body, "kyc", required: true)!)
        let accreditation = try Self.object(body, "accreditation", required: false).map(accreditationPart)
        let qualified = try Self.object(body, "qualifiedPurchaser", required: false).map {
            (part) throws(APIError) in try evidence(part, "qualifiedPurchaser")
        }
        let professional = try Self.object(body, "professional", required: false).map {
            (part) throws(APIError) in try evidence(part, "professional")
        }
        var wallets: [String: String] = [:]
        for (chain, address) in try Self.object(body, "wallets", required: false) ?? [:] {
            guard let text = address as? String else { throw .invalid("wallets.\(chain)", "must be a string") }
            wallets[chain] = text
        }
        return InvestorRecord(
            account: account, revision: value, legalName: try parser.string(body, "legalName", required: true)!,
            jurisdiction: try parser.string(body, "jurisdiction", required: true)!,
            usPerson: try Self.bool(body, "usPerson"), kyc: kyc, accreditation: accreditation,
            qualifiedPurchaser: qualified, professional: professional, wallets: wallets)
    }

    private func kycPart(_ part: [String: Any]) throws(APIError) -> InvestorRecord.KYC {
        try Self.known(part, Self.kycFields, prefix: "kyc.")
        let text = try string(part, "kyc.", "status", required: true)!
        guard let status = InvestorRecord.KYC.Status(rawValue: text) else {
            throw .invalid(
                "kyc.status",
                "must be one of \(InvestorRecord.KYC.Status.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return InvestorRecord.KYC(
            status: status, provider: try string(part, "kyc.", "provider", required: true)!,
            verifiedOn: try date(part, "kyc.", "verifiedOn", required: false),
            expiresOn: try date(part, "kyc.", "expiresOn", required: false),
            note: try string(part, "kyc.", "note", required: false))
    }

    private func accreditationPart(_ part: [String: Any]) throws(APIError) -> InvestorRecord.Accreditation {
        try Self.known(part, Self.accreditationFields, prefix: "accreditation.")
        let text = try string(part, "accreditation.", "method", required: true)!
        guard let method = InvestorRecord.Accreditation.Method(rawValue: text) else {
            throw .invalid(
                "accreditation.method",
                "must be one of \(InvestorRecord.Accreditation.Method.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return InvestorRecord.Accreditation(
            method: method, verifiedOn: try date(part, "accreditation.", "verifiedOn", required: true)!,
            evidence: try string(part, "accreditation.", "evidence", required: true)!)
    }

    private func evidence(_ part: [String: Any], _ name: String) throws(APIError) -> InvestorRecord.Evidence {
        try Self.known(part, Self.evidenceFields, prefix: "\(name).")
        return InvestorRecord.Evidence(
            evidence: try string(part, "\(name).", "evidence", required: true)!,
            verifiedOn: try date(part, "\(name).", "verifiedOn", required: true)!)
    }

    private func string(_ part: [String: Any], _ prefix: String, _ field: String, required: Bool) throws(APIError)
        -> String?
    {
        guard let value = part[field], !(value is NSNull) else {
            if required {
                throw APIError(.badRequest, "missing_field", "\(prefix)\(field) is required", field: prefix + field)
            }
            return nil
        }
        guard let text = value as? String else {
            throw .invalid(prefix + field, "must be a string, not \(OrderRequestParser.typeName(value))")
        }
        guard text.count <= 256 else { throw .invalid(prefix + field, "must be at most 256 characters") }
        return text
    }

    private func date(_ part: [String: Any], _ prefix: String, _ field: String, required: Bool) throws(APIError)
        -> CalendarDate?
    {
        guard let text = try string(part, prefix, field, required: required) else { return nil }
        guard let date = CalendarDate(text) else { throw .invalid(prefix + field, "must be a date YYYY-MM-DD") }
        return date
    }

    static func object(_ body: [String: Any], _ field: String, required: Bool) throws(APIError) -> [String: Any]? {
        guard let value = body[field], !(value is NSNull) else {
            if required { throw APIError(.badRequest, "missing_field", "\(field) is required", field: field) }
            return nil
        }
        guard let object = value as? [String: Any] else {
            throw .invalid(field, "must be an object, not \(OrderRequestParser.typeName(value))")
        }
        return object
    }

    static func bool(_ body: [String: Any], _ field: String) throws(APIError) -> Bool {
        guard let value = body[field] else {
            throw APIError(.badRequest, "missing_field", "\(field) is required", field: field)
        }
        guard let number = value as? NSNumber, isBool(number) else { throw .invalid(field, "must be true or false") }
        return number.boolValue
    }

    static func isBool(_ number: NSNumber) -> Bool {
        // JSON true and false decode as NSNumbers of type char ("c"); numbers never do.
        String(cString: number.objCType) == "c"
    }

    static func known(_ body: [String: Any], _ fields: Set<String>, prefix: String) throws(APIError) {
        if let unknown = body.keys.sorted().first(where: { !fields.contains($0) }) {
            throw APIError(
                .badRequest, "unknown_field",
                "\(prefix)\(unknown) is not a field of an investor record; fields are \(fields.sorted().map { prefix + $0 }.joined(separator: ", "))",
                field: prefix + unknown)
        }
    }
}
