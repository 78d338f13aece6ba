import PledgeCore

/// One IP asset as the index keeps it: 104 bytes with no reference inside, instead of a
/// `MatchAsset` of 224. Five million of them are most of the index at the national tier.
/// Dates are `CivilDate.packed` words (0: none; no date packs to 0), counts are Int32 (the
/// columns are `integer`), and a missing indicator, valuation or pledge is a sentinel.
/// `init?` refuses what would not come back unchanged, so `unpacked` always returns the asset given.
struct PackedAsset: Sendable {
    var id: Int64
    var valuationId: Int64
    var valueFen: Int64
    var pledgedBy: Int64
    var filing: UInt32, grant: UInt32, registration: UInt32, firstUse: UInt32, expiry: UInt32
    var valuationDate: UInt32, validUntil: UInt32
    var claims: Int32, forwardCitations: Int32, familySize: Int32, licences: Int32, litigations: Int32
    var renewalCount: Int32, niceClassCount: Int32, coOwners: Int32, coOwnersWithoutConsent: Int32
    var type: UInt8
    var legalStatus: UInt8

    static let types = IPType.allCases
    static let statuses = LegalStatus.allCases
    static let none64 = Int64.min
    static let none32 = Int32.min

    init?(_ a: MatchAsset) {
        guard let type = Self.types.firstIndex(of: a.type), let status = Self.statuses.firstIndex(of: a.legalStatus),
              let renewal = Int32(exactly: a.renewalCount), let nice = Int32(exactly: a.niceClassCount),
              let owners = Int32(exactly: a.coOwners), let without = Int32(exactly: a.coOwnersWithoutConsent),
              let claims = Self.pack(a.indicators.claims), let citations = Self.pack(a.indicators.forwardCitations),
              let family = Self.pack(a.indicators.familySize), let licences = Self.pack(a.indicators.licences),
              let litigations = Self.pack(a.indicators.litigations),
              a.valuation?.id != Self.none64, a.pledgedBy != Self.none64 else { return nil }
        id = a.id
        valuationId = a.valuation?.id ?? Self.none64
        valueFen = a.valuation?.valueFen ?? 0
        valuationDate = a.valuation?.valuationDate.packed ?? 0
        validUntil = a.valuation?.validUntil.packed ?? 0
        pledgedBy = a.pledgedBy ?? Self.none64
        filing = a.filingDate?.packed ?? 0
        grant = a.grantDate?.packed ?? 0
        registration = a.registrationDate?.packed ?? 0
        firstUse = a.firstUseDate?.packed ?? 0
        expiry = a.expiryDate?.packed ?? 0
        self.claims = claims; forwardCitations = citations; familySize = family
        self.licences = licences; self.litigations = litigations
        renewalCount = renewal; niceClassCount = nice; coOwners = owners; coOwnersWithoutConsent = without
        self.type = UInt8(type); legalStatus = UInt8(status)
    }

    func unpacked(firmId: Int64) -> MatchAsset {
        MatchAsset(
            id: id, firmId: firmId, type: Self.types[Int(type)], legalStatus: Self.statuses[Int(legalStatus)],
            filingDate: Self.date(filing), grantDate: Self.date(grant), registrationDate: Self.date(registration),
            firstUseDate: Self.date(firstUse), expiryDate: Self.date(expiry),
            renewalCount: Int(renewalCount), niceClassCount: Int(niceClassCount),
            indicators: ValueIndicators(claims: Self.int(claims), forwardCitations: Self.int(forwardCitations),
                                        familySize: Self.int(familySize), licences: Self.int(licences),
                                        litigations: Self.int(litigations)),
            coOwners: Int(coOwners), coOwnersWithoutConsent: Int(coOwnersWithoutConsent),
            valuation: valuationId == Self.none64 ? nil
                : MatchValuation(id: valuationId, valueFen: valueFen, valuationDate: CivilDate(packed: valuationDate),
                                 validUntil: CivilDate(packed: validUntil)),
            pledgedBy: pledgedBy == Self.none64 ? nil : pledgedBy)
    }

    var isCollectiveMark: Bool { Self.types[Int(type)] == .giCollectiveMark }

    /// The word for an indicator (`none32` for none); nil when it does not fit or would read back as none.
    private static func pack(_ v: Int?) -> Int32? {
        guard let v else { return none32 }
        guard let n = Int32(exactly: v), n != none32 else { return nil }
        return n
    }

    private static func int(_ v: Int32) -> Int? { v == none32 ? nil : Int(v) }
    private static func date(_ w: UInt32) -> CivilDate? { w == 0 ? nil : CivilDate(packed: w) }
}
