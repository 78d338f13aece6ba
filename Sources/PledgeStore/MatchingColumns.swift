import PledgeCore
import PostgresNIO

/// The engine's SELECT lists and the decoders that read them, side by side: each column is named
/// once, where its SQL is written and where it is decoded.
extension MatchingRepository {
    /// The firm columns the engine reads, in the order of the SELECT, each named where it is decoded.
    enum FirmColumn: Int, CaseIterable {
        case id, industryCode, priority, town, size, foundedOn, annualRevenue, rdExpense, totalAssets, totalLiabilities,
             highTech, specialized, ipDemonstration, badCredit, name, defaultedLoans

        var sql: String {
            switch self {
            case .id: "f.id"
            case .industryCode: "f.industry_code"
            case .priority: "i.priority"
            case .town: "f.town"
            case .size: "f.size"
            case .foundedOn: "f.founded_on"
            case .annualRevenue: "f.annual_revenue_fen"
            case .rdExpense: "f.rd_expense_fen"
            case .totalAssets: "f.total_assets_fen"
            case .totalLiabilities: "f.total_liabilities_fen"
            case .highTech: "f.high_tech"
            case .specialized: "f.specialized"
            case .ipDemonstration: "f.ip_demonstration"
            case .badCredit: "f.bad_credit"
            case .name: "f.name"
            case .defaultedLoans: MatchingRepository.defaultedLoans("f")
            }
        }
    }

    static let firmSelect = firmSelect(defaulted: defaultedLoans("f"))

    /// Every firm: the defaulted loans counted in one pass over the ledger's default entries, not
    /// one lookup per firm (8 s of the national tier's 500,000 firms).
    static let allFirmsSelect = firmSelect(defaulted: "coalesce(dl.loans, 0)") + """

        LEFT JOIN (SELECT firm_id, count(*)::int AS loans
                   FROM (SELECT e.firm_id FROM loan_entries e WHERE e.kind = 'default'
                         GROUP BY e.firm_id, e.loan_id HAVING sum(e.amount_fen) > 0) d
                   GROUP BY firm_id) dl ON dl.firm_id = f.id
        """

    private static func firmSelect(defaulted: String) -> String {
        let columns = FirmColumn.allCases.map { $0 == .defaultedLoans ? defaulted : $0.sql }
        return """
            SELECT \(columns.joined(separator: ", "))
            FROM firms f JOIN industries i ON i.code = f.industry_code
            """
    }

    /// The firm's loans in default (违约): a default entry whose sum, after corrections, is still positive.
    public static func defaultedLoans(_ firm: String) -> String {
        """
        (SELECT count(*) FROM (SELECT 1 FROM loan_entries e WHERE e.firm_id = \(firm).id AND e.kind = 'default'
                                GROUP BY e.loan_id HAVING sum(e.amount_fen) > 0) d)::int
        """
    }

    /// The asset columns, in the order of the SELECT, each named where it is decoded.
    enum AssetColumn: Int, CaseIterable {
        case id, firmId, type, legalStatus, filingDate, grantDate, registrationDate, firstUseDate, expiryDate, renewalCount,
             niceClassCount, claims, forwardCitations, familySize, licences, litigations, coOwners, withoutConsent,
             valuationId, valueFen, valuationDate, validUntil, pledgeId

        var sql: String {
            switch self {
            case .id: "a.id"
            case .firmId: "a.firm_id"
            case .type: "a.type"
            case .legalStatus: "a.legal_status"
            case .filingDate: "a.filing_date"
            case .grantDate: "a.grant_date"
            case .registrationDate: "a.registration_date"
            case .firstUseDate: "a.first_use_date"
            case .expiryDate: "a.expiry_date"
            case .renewalCount: "a.renewal_count"
            case .niceClassCount: "cardinality(a.nice_classes)"
            case .claims: "a.claims"
            case .forwardCitations: "a.forward_citations"
            case .familySize: "a.family_size"
            case .licences: "a.licences"
            case .litigations: "a.litigations"
            case .coOwners: "coalesce(o.owners, 0)"
            case .withoutConsent: "coalesce(o.without_consent, 0)"
            case .valuationId: "v.id"
            case .valueFen: "v.value_fen"
            case .valuationDate: "v.valuation_date"
            case .validUntil: "v.valid_until"
            case .pledgeId: "pa.pledge_id"
            }
        }
    }

    static let assetColumns = AssetColumn.allCases.map(\.sql).joined(separator: ", ")

    /// Some assets: each one's co-owners and latest valuation looked up by index.
    static let assetSelect = """
        SELECT \(assetColumns)
        FROM ip_assets a
        LEFT JOIN LATERAL (
            SELECT count(*) AS owners, count(*) FILTER (WHERE NOT consent_to_pledge) AS without_consent
            FROM ip_asset_co_owners c WHERE c.firm_id = a.firm_id AND c.asset_id = a.id) o ON true
        LEFT JOIN LATERAL (
            SELECT id, value_fen, valuation_date, valid_until FROM valuations v
            WHERE v.firm_id = a.firm_id AND v.asset_id = a.id AND v.archived_at IS NULL
            ORDER BY v.valuation_date DESC, v.id DESC LIMIT 1) v ON true
        LEFT JOIN pledge_assets pa ON pa.firm_id = a.firm_id AND pa.asset_id = a.id AND pa.active
        """

    /// The current assets of the firms whose id is `part` modulo `parts`, the same columns through
    /// set-wise joins: one pass over valuations and co-owners instead of two index lookups per asset
    /// (13 s against 5–8 s at a million assets). Each join's input is cut to the part as well.
    static func allAssetsSelect(part: Int, of parts: Int) -> String {
        let mine = "firm_id % \(parts) = \(part)"
        return """
            SELECT \(assetColumns)
            FROM ip_assets a
            LEFT JOIN (SELECT firm_id, asset_id, count(*) AS owners, count(*) FILTER (WHERE NOT consent_to_pledge) AS without_consent
                       FROM ip_asset_co_owners WHERE \(mine) GROUP BY firm_id, asset_id) o ON o.firm_id = a.firm_id AND o.asset_id = a.id
            LEFT JOIN (SELECT DISTINCT ON (firm_id, asset_id) firm_id, asset_id, id, value_fen, valuation_date, valid_until
                       FROM valuations WHERE archived_at IS NULL AND \(mine)
                       ORDER BY firm_id, asset_id, valuation_date DESC, id DESC) v ON v.firm_id = a.firm_id AND v.asset_id = a.id
            LEFT JOIN pledge_assets pa ON pa.firm_id = a.firm_id AND pa.asset_id = a.id AND pa.active
            WHERE a.archived_at IS NULL AND a.\(mine)
            """
    }

    static func decodeFirm(_ row: PostgresRandomAccessRow, at o: Int = 0) throws -> MatchFirm {
        let r = Columns<FirmColumn>(row: row, at: o)
        return MatchFirm(
            id: try r[.id].decode(Int64.self), industryCode: try r[.industryCode].decode(String.self),
            priorityIndustry: try r[.priority].decode(Bool.self), town: try r[.town].decode(String.self),
            size: try StoredCode.decode(try r[.size].decode(String.self), as: FirmSize.self, table: "firms", column: "size"),
            foundedOn: try r[.foundedOn].decode(CivilDate.self),
            annualRevenueFen: try r[.annualRevenue].decode(Int64?.self), rdExpenseFen: try r[.rdExpense].decode(Int64?.self),
            totalAssetsFen: try r[.totalAssets].decode(Int64?.self), totalLiabilitiesFen: try r[.totalLiabilities].decode(Int64?.self),
            highTech: try r[.highTech].decode(Bool.self), specialized: try r[.specialized].decode(Bool.self),
            ipDemonstration: try r[.ipDemonstration].decode(Bool.self), badCredit: try r[.badCredit].decode(Bool.self),
            defaultedLoans: try r[.defaultedLoans].decode(Int.self), name: try r[.name].decode(String.self))
    }

    static func decodeAsset(_ row: PostgresRandomAccessRow, at o: Int = 0) throws -> MatchAsset {
        let r = Columns<AssetColumn>(row: row, at: o)
        var valuation: MatchValuation?
        if let id = try r[.valuationId].decode(Int64?.self) {
            valuation = MatchValuation(id: id, valueFen: try r[.valueFen].decode(Int64.self),
                                       valuationDate: try r[.valuationDate].decode(CivilDate.self),
                                       validUntil: try r[.validUntil].decode(CivilDate.self))
        }
        return MatchAsset(
            id: try r[.id].decode(Int64.self), firmId: try r[.firmId].decode(Int64.self),
            type: try StoredCode.decode(try r[.type].decode(String.self), as: IPType.self, table: "ip_assets", column: "type"),
            legalStatus: try StoredCode.decode(try r[.legalStatus].decode(String.self), as: LegalStatus.self,
                                               table: "ip_assets", column: "legal_status"),
            filingDate: try r[.filingDate].decode(CivilDate?.self), grantDate: try r[.grantDate].decode(CivilDate?.self),
            registrationDate: try r[.registrationDate].decode(CivilDate?.self), firstUseDate: try r[.firstUseDate].decode(CivilDate?.self),
            expiryDate: try r[.expiryDate].decode(CivilDate?.self), renewalCount: try r[.renewalCount].decode(Int.self),
            niceClassCount: try r[.niceClassCount].decode(Int.self),
            indicators: ValueIndicators(claims: try r[.claims].decode(Int?.self), forwardCitations: try r[.forwardCitations].decode(Int?.self),
                                        familySize: try r[.familySize].decode(Int?.self), licences: try r[.licences].decode(Int?.self),
                                        litigations: try r[.litigations].decode(Int?.self)),
            coOwners: try r[.coOwners].decode(Int.self), coOwnersWithoutConsent: try r[.withoutConsent].decode(Int.self),
            valuation: valuation, pledgedBy: try r[.pledgeId].decode(Int64?.self))
    }
}

/// A row's cells by column name: `C`'s cases in the order of the SELECT, starting at `at`.
struct Columns<C: RawRepresentable> where C.RawValue == Int {
    let row: PostgresRandomAccessRow
    let at: Int
    subscript(_ column: C) -> PostgresCell { row[at + column.rawValue] }
}
