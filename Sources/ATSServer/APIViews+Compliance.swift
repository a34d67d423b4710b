import ATSDomain
import ATSRouter
import ATSVenues
import ATSWire

extension APIViews {
    /// `record` as the API shows it, with what stops it now (`standing`) and its venue onboardings.
    public static func investor(
        _ record: InvestorRecord, standing: Rejection?, onboardings: [OnboardingView]?
    ) -> InvestorView {
        InvestorView(
            account: record.account.rawValue, revision: record.revision, legalName: record.legalName,
            jurisdiction: record.jurisdiction, usPerson: record.usPerson,
            kyc: KYCView(
                status: record.kyc.status.rawValue, provider: record.kyc.provider,
                verifiedOn: record.kyc.verifiedOn?.description, expiresOn: record.kyc.expiresOn?.description,
                note: record.kyc.note),
            accreditation: record.accreditation.map {
                AccreditationView(
                    method: $0.method.rawValue, verifiedOn: $0.verifiedOn.description, evidence: $0.evidence,
                    valid506cThrough: $0.method == .selfCertified
                        ? nil
                        : ($0.verifiedOn == .latest
                            ? CalendarDate.latest
                            : $0.verifiedOn.adding(days: InvestorRecord.accreditationValidityDays - 1)).description)
            },
            qualifiedPurchaser: record.qualifiedPurchaser.map {
                EvidenceView(evidence: $0.evidence, verifiedOn: $0.verifiedOn.description)
            },
            professional: record.professional.map {
                EvidenceView(evidence: $0.evidence, verifiedOn: $0.verifiedOn.description)
            },
            wallets: record.wallets, updatedBy: record.updatedBy, updatedAt: record.updatedAt?.description,
            standing: standing.map { RejectionView(code: $0.code.rawValue, message: $0.message) },
            onboardings: onboardings)
    }

    public static func alert(_ alert: ComplianceAlert) -> AlertView {
        AlertView(
            id: "\(alert.id)", account: alert.account.rawValue, kind: alert.kind.rawValue, status: alert.status,
            raisedAt: alert.raisedAt.description, message: alert.message, references: alert.references,
            closedBy: alert.closedBy, closedAt: alert.closedAt?.description, resolution: alert.resolution)
    }
}
