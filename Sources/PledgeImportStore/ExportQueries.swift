import PledgeCore
import PledgeImport
import PostgresNIO

/// One table's export: the columns read, in the import's layout (`keys`), how a row becomes cells,
/// the columns a caller's scope filters on, and the table's order (bigint expressions), which the
/// export pages on.
struct ExportQuery: Sendable {
    let name: String
    let keys: [String]
    /// The SELECT list, `width` columns.
    let columns: String
    let width: Int
    /// `FROM … WHERE …` (a WHERE clause the scope and paging conditions are added to with AND).
    let from: String
    let firmColumn: String
    let bankColumn: String?
    let order: [String]
    let row: @Sendable (PostgresRandomAccessRow) throws -> [XLSXCell]

    static func of(_ kind: ImportKind) -> ExportQuery {
        switch kind {
        case .firms: firms
        case .assets: assets
        case .valuations: valuations
        case .licences: licences
        case .loans: loans
        }
    }

    typealias S = ExportService

    static let firms = ExportQuery(
        name: "企业 firms",
        keys: ["creditCode", "name", "industryCode", "town", "size", "foundedOn", "annualRevenueFen", "rdExpenseFen",
               "totalAssetsFen", "totalLiabilitiesFen", "employees", "highTech", "specialized", "ipDemonstration", "badCredit"],
        columns: """
            f.credit_code, f.name, i.name_zh, f.town, f.size, f.founded_on, f.annual_revenue_fen, f.rd_expense_fen,
            f.total_assets_fen, f.total_liabilities_fen, f.employees, f.high_tech, f.specialized, f.ip_demonstration, f.bad_credit
            """, width: 15,
        from: "FROM firms f JOIN industries i ON i.code = f.industry_code WHERE f.archived_at IS NULL",
        firmColumn: "f.id", bankColumn: nil, order: ["f.id"]) { c in
            let size = try c[4].decode(String.self)
            return [.text(try c[0].decode(String.self)), .text(try c[1].decode(String.self)), .text(try c[2].decode(String.self)),
                    .text(try c[3].decode(String.self)), .text(S.sizeZh[size] ?? size), .date(try c[5].decode(CivilDate.self)),
                    S.yuan(try c[6].decode(Int64?.self)), S.yuan(try c[7].decode(Int64?.self)),
                    S.yuan(try c[8].decode(Int64?.self)), S.yuan(try c[9].decode(Int64?.self)),
                    S.int(try c[10].decode(Int?.self)), S.yes(try c[11].decode(Bool.self)), S.yes(try c[12].decode(Bool.self)),
                    S.yes(try c[13].decode(Bool.self)), S.yes(try c[14].decode(Bool.self))]
        }

    static let assets = ExportQuery(
        name: "知识产权 assets",
        keys: ["ownerCreditCode", "ownerName", "type", "number", "title", "filingDate", "grantDate", "registrationDate",
               "firstUseDate", "expiryDate", "renewalCount", "legalStatus", "ipcClasses", "niceClasses", "claims",
               "forwardCitations", "familySize", "licences", "litigations"],
        columns: """
            f.credit_code, f.name, a.type, a.number, a.title, a.filing_date, a.grant_date, a.registration_date, a.first_use_date,
            a.expiry_date, a.renewal_count, a.legal_status, array_to_string(a.ipc_classes, '; '),
            array_to_string(a.nice_classes, '; '), a.claims, a.forward_citations, a.family_size, a.licences, a.litigations
            """, width: 19,
        from: "FROM ip_assets a JOIN firms f ON f.id = a.firm_id WHERE a.archived_at IS NULL",
        firmColumn: "a.firm_id", bankColumn: nil, order: ["a.firm_id", "a.id"]) { c in
            let type = IPType(rawValue: try c[2].decode(String.self))!
            let status = LegalStatus(rawValue: try c[11].decode(String.self))!
            return [.text(try c[0].decode(String.self)), .text(try c[1].decode(String.self)), .text(type.label.zh),
                    .text(try c[3].decode(String.self)), .text(try c[4].decode(String.self)),
                    S.date(try c[5].decode(CivilDate?.self)), S.date(try c[6].decode(CivilDate?.self)),
                    S.date(try c[7].decode(CivilDate?.self)), S.date(try c[8].decode(CivilDate?.self)),
                    S.date(try c[9].decode(CivilDate?.self)), S.int(try c[10].decode(Int.self)), .text(status.label.zh),
                    .text(try c[12].decode(String.self)), .text(try c[13].decode(String.self)),
                    S.int(try c[14].decode(Int?.self)), S.int(try c[15].decode(Int?.self)), S.int(try c[16].decode(Int?.self)),
                    S.int(try c[17].decode(Int?.self)), S.int(try c[18].decode(Int?.self))]
        }

    static let valuations = ExportQuery(
        name: "评估 valuations",
        keys: ["assetType", "assetNumber", "appraiser", "method", "valueFen", "valuationDate", "validUntil", "reportNumber"],
        columns: "a.type, a.number, v.appraiser, v.method, v.value_fen, v.valuation_date, v.valid_until, v.report_number", width: 8,
        from: "FROM valuations v JOIN ip_assets a ON a.firm_id = v.firm_id AND a.id = v.asset_id WHERE v.archived_at IS NULL",
        firmColumn: "v.firm_id", bankColumn: nil, order: ["v.id"]) { c in
            let method = try c[3].decode(String.self)
            return [.text(IPType(rawValue: try c[0].decode(String.self))!.label.zh), .text(try c[1].decode(String.self)),
                    .text(try c[2].decode(String.self)), .text(S.methodZh[method] ?? method), S.yuan(try c[4].decode(Int64.self)),
                    .date(try c[5].decode(CivilDate.self)), .date(try c[6].decode(CivilDate.self)), .text(try c[7].decode(String.self))]
        }

    static let licences = ExportQuery(
        name: "许可 licences",
        keys: ["creditCode", "markNumber", "licenceNumber", "validFrom", "validUntil"],
        columns: "f.credit_code, a.number, g.licence_number, g.valid_from, g.valid_until", width: 5,
        from: """
            FROM gi_licences g JOIN firms f ON f.id = g.firm_id JOIN ip_assets a ON a.firm_id = g.mark_firm_id AND a.id = g.mark_asset_id
            WHERE g.archived_at IS NULL
            """,
        firmColumn: "g.firm_id", bankColumn: nil, order: ["g.id"]) { c in
            [.text(try c[0].decode(String.self)), .text(try c[1].decode(String.self)), .text(try c[2].decode(String.self)),
             .date(try c[3].decode(CivilDate.self)), .date(try c[4].decode(CivilDate.self))]
        }

    /// Loans without a contract number (made through the platform) are written as PLEDGEMATCH-LOAN-<id>,
    /// which an import recognises as that loan.
    static let loans = ExportQuery(
        name: "贷款 loans",
        keys: ["contractNumber", "creditCode", "bankCode", "productCode", "principalFen", "disbursedOn", "maturityOn", "rateBp",
               "pledgedAssets", "registrationNumber", "registeredOn", "repaidFen", "repaidOn"],
        columns: """
            coalesce(c.contract_number, 'PLEDGEMATCH-LOAN-' || l.id), f.credit_code, b.code, p.code, lb.principal_fen::bigint, l.disbursed_on,
            l.maturity_on, l.rate_bp,
            coalesce((SELECT string_agg(a.number, '; ' ORDER BY a.number) FROM pledges pl
                      JOIN pledge_assets pa ON pa.firm_id = pl.firm_id AND pa.pledge_id = pl.id
                      JOIN ip_assets a ON a.firm_id = pa.firm_id AND a.id = pa.asset_id
                      WHERE pl.firm_id = l.firm_id AND pl.application_id = l.application_id), ''),
            coalesce((SELECT pl.registration_number FROM pledges pl WHERE pl.firm_id = l.firm_id AND pl.application_id = l.application_id
                      ORDER BY pl.id LIMIT 1), ''),
            (SELECT pl.registered_on FROM pledges pl WHERE pl.firm_id = l.firm_id AND pl.application_id = l.application_id ORDER BY pl.id LIMIT 1),
            lb.repaid_fen::bigint, lb.last_repaid_on
            """, width: 13,
        from: """
            FROM loans l JOIN firms f ON f.id = l.firm_id JOIN banks b ON b.id = l.bank_id JOIN loan_products p ON p.id = l.product_id
            JOIN loan_balances lb ON lb.firm_id = l.firm_id AND lb.loan_id = l.id
            LEFT JOIN loan_contracts c ON c.firm_id = l.firm_id AND c.loan_id = l.id
            WHERE true
            """,
        firmColumn: "l.firm_id", bankColumn: "l.bank_id", order: ["(l.disbursed_on - DATE '2000-01-01')::bigint", "l.id"]) { c in
            let repaid = try c[11].decode(Int64.self)
            return [.text(try c[0].decode(String.self)), .text(try c[1].decode(String.self)), .text(try c[2].decode(String.self)),
                    .text(try c[3].decode(String.self)), S.yuan(try c[4].decode(Int64.self)), .date(try c[5].decode(CivilDate.self)),
                    .date(try c[6].decode(CivilDate.self)), .number(ReportSheets.yuan(Int64(try c[7].decode(Int.self))), .general),
                    .text(try c[8].decode(String.self)), .text(try c[9].decode(String.self)), S.date(try c[10].decode(CivilDate?.self)),
                    S.yuan(repaid), repaid > 0 ? S.date(try c[12].decode(CivilDate?.self)) : .empty]
        }
}
