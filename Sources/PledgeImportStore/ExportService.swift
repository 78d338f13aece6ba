import Foundation
import Logging
import PledgeCore
import PledgeImport
import PledgeStore
import PostgresNIO

/// A table to write as .xlsx or CSV: the import's own headers, so an exported file, edited in a
/// spreadsheet, imports again.
public struct ExportTable: Sendable {
    public var name: String
    public var header: [String]
    public var rows: [[XLSXCell]]

    public func csv() -> [UInt8] {
        CSVWriter.render([header] + rows.map { $0.map(ExportTable.text) })
    }

    public func xlsx(to url: URL) throws {
        try XLSXWriter.write(XLSXWriter.Sheet(name: name, header: header, rows: rows), to: url)
    }

    public func xlsx() throws -> [UInt8] {
        try XLSXWriter.data(XLSXWriter.Sheet(name: name, header: header, rows: rows))
    }

    static func text(_ cell: XLSXCell) -> String {
        switch cell {
        case .empty: ""
        case .text(let s): s
        case .number(let v, let f): f == .percent ? v : v
        case .date(let d): d.description
        }
    }
}

/// What one caller may receive of a table: everything (staff, the CLI), or a bank officer's share:
/// the firms in `firmIds` (those whose consent to share with the bank is in force) and the loans of
/// `bankId`. The server decides the scope; the database's row-level security holds the same line.
public struct ExportScope: Sendable, Equatable {
    public var firmIds: [Int64]?
    public var bankId: Int64?
    public init(firmIds: [Int64]? = nil, bankId: Int64? = nil) { self.firmIds = firmIds; self.bankId = bankId }
    public static let everything = ExportScope()
}

/// Reads the tables out in the import's layout. Queries go through `Database`, so inside a request
/// they run on its connection and in its transaction (a bank officer's under row-level security).
public struct ExportService: Sendable {
    let client: Database
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = Database(client)
        self.logger = logger
    }

    static func headers(_ kind: ImportKind, _ keys: [String]) -> [String] {
        keys.map { k in kind.fields.first { $0.key == k }!.header }
    }

    static func yuan(_ fen: Int64?) -> XLSXCell {
        guard let fen else { return .empty }
        return .number(ReportSheets.yuan(fen), .yuan)
    }

    static func int<I: BinaryInteger>(_ v: I?) -> XLSXCell { v.map { .number(String($0), .integer) } ?? .empty }
    static func date(_ d: CivilDate?) -> XLSXCell { d.map { .date($0) } ?? .empty }
    static func yes(_ b: Bool) -> XLSXCell { .text(b ? "是" : "否") }
    static let sizeZh: [String: String] = ["micro": "微型", "small": "小型", "medium": "中型", "large": "大型"]
    static let methodZh: [String: String] = ["income": "收益法", "market": "市场法", "cost": "成本法"]

    public func table(_ kind: ImportKind, scope: ExportScope = .everything) async throws -> ExportTable {
        switch kind {
        case .firms: return try await firms(scope)
        case .assets: return try await assets(scope)
        case .valuations: return try await valuations(scope)
        case .licences: return try await licences(scope)
        case .loans: return try await loans(scope)
        }
    }

    func firms(_ scope: ExportScope) async throws -> ExportTable {
        let keys = ["creditCode", "name", "industryCode", "town", "size", "foundedOn", "annualRevenueFen", "rdExpenseFen",
                    "totalAssetsFen", "totalLiabilitiesFen", "employees", "highTech", "specialized", "ipDemonstration", "badCredit"]
        var rows: [[XLSXCell]] = []
        let query: PostgresQuery = """
            SELECT f.credit_code, f.name, i.name_zh, f.town, f.size, f.founded_on, f.annual_revenue_fen, f.rd_expense_fen,
                   f.total_assets_fen, f.total_liabilities_fen, f.employees, f.high_tech, f.specialized, f.ip_demonstration, f.bad_credit
            FROM firms f JOIN industries i ON i.code = f.industry_code WHERE f.archived_at IS NULL
              AND (\(scope.firmIds)::bigint[] IS NULL OR f.id = ANY(\(scope.firmIds)))
            ORDER BY f.id
            """
        for try await r in try await client.query(query, logger: logger) {
            let c = try r.makeRandomAccess()
            let size = try c[4].decode(String.self)
            rows.append([.text(try c[0].decode(String.self)), .text(try c[1].decode(String.self)), .text(try c[2].decode(String.self)),
                         .text(try c[3].decode(String.self)), .text(Self.sizeZh[size] ?? size), .date(try c[5].decode(CivilDate.self)),
                         Self.yuan(try c[6].decode(Int64?.self)), Self.yuan(try c[7].decode(Int64?.self)),
                         Self.yuan(try c[8].decode(Int64?.self)), Self.yuan(try c[9].decode(Int64?.self)),
                         Self.int(try c[10].decode(Int?.self)), Self.yes(try c[11].decode(Bool.self)), Self.yes(try c[12].decode(Bool.self)),
                         Self.yes(try c[13].decode(Bool.self)), Self.yes(try c[14].decode(Bool.self))])
        }
        return ExportTable(name: "企业 firms", header: Self.headers(.firms, keys), rows: rows)
    }

    func assets(_ scope: ExportScope) async throws -> ExportTable {
        let keys = ["ownerCreditCode", "ownerName", "type", "number", "title", "filingDate", "grantDate", "registrationDate",
                    "firstUseDate", "expiryDate", "renewalCount", "legalStatus", "ipcClasses", "niceClasses", "claims",
                    "forwardCitations", "familySize", "licences", "litigations"]
        var rows: [[XLSXCell]] = []
        let query: PostgresQuery = """
            SELECT f.credit_code, f.name, a.type, a.number, a.title, a.filing_date, a.grant_date, a.registration_date, a.first_use_date,
                   a.expiry_date, a.renewal_count, a.legal_status, array_to_string(a.ipc_classes, '; '),
                   array_to_string(a.nice_classes, '; '), a.claims, a.forward_citations, a.family_size, a.licences, a.litigations
            FROM ip_assets a JOIN firms f ON f.id = a.firm_id WHERE a.archived_at IS NULL
              AND (\(scope.firmIds)::bigint[] IS NULL OR a.firm_id = ANY(\(scope.firmIds)))
            ORDER BY a.firm_id, a.id
            """
        for try await r in try await client.query(query, logger: logger) {
            let c = try r.makeRandomAccess()
            let type = IPType(rawValue: try c[2].decode(String.self))!
            let status = LegalStatus(rawValue: try c[11].decode(String.self))!
            rows.append([.text(try c[0].decode(String.self)), .text(try c[1].decode(String.self)), .text(type.label.zh),
                         .text(try c[3].decode(String.self)), .text(try c[4].decode(String.self)),
                         Self.date(try c[5].decode(CivilDate?.self)), Self.date(try c[6].decode(CivilDate?.self)),
                         Self.date(try c[7].decode(CivilDate?.self)), Self.date(try c[8].decode(CivilDate?.self)),
                         Self.date(try c[9].decode(CivilDate?.self)), Self.int(try c[10].decode(Int.self)), .text(status.label.zh),
                         .text(try c[12].decode(String.self)), .text(try c[13].decode(String.self)),
                         Self.int(try c[14].decode(Int?.self)), Self.int(try c[15].decode(Int?.self)), Self.int(try c[16].decode(Int?.self)),
                         Self.int(try c[17].decode(Int?.self)), Self.int(try c[18].decode(Int?.self))])
        }
        return ExportTable(name: "知识产权 assets", header: Self.headers(.assets, keys), rows: rows)
    }

    func valuations(_ scope: ExportScope) async throws -> ExportTable {
        let keys = ["assetType", "assetNumber", "appraiser", "method", "valueFen", "valuationDate", "validUntil", "reportNumber"]
        var rows: [[XLSXCell]] = []
        let query: PostgresQuery = """
            SELECT a.type, a.number, v.appraiser, v.method, v.value_fen, v.valuation_date, v.valid_until, v.report_number
            FROM valuations v JOIN ip_assets a ON a.firm_id = v.firm_id AND a.id = v.asset_id
            WHERE v.archived_at IS NULL AND (\(scope.firmIds)::bigint[] IS NULL OR v.firm_id = ANY(\(scope.firmIds)))
            ORDER BY v.id
            """
        for try await (type, number, appraiser, method, value, date, until, report) in try await client.query(query, logger: logger)
            .decode((String, String, String, String, Int64, CivilDate, CivilDate, String).self) {
            rows.append([.text(IPType(rawValue: type)!.label.zh), .text(number), .text(appraiser), .text(Self.methodZh[method] ?? method),
                         Self.yuan(value), .date(date), .date(until), .text(report)])
        }
        return ExportTable(name: "评估 valuations", header: Self.headers(.valuations, keys), rows: rows)
    }

    func licences(_ scope: ExportScope) async throws -> ExportTable {
        let keys = ["creditCode", "markNumber", "licenceNumber", "validFrom", "validUntil"]
        var rows: [[XLSXCell]] = []
        let query: PostgresQuery = """
            SELECT f.credit_code, a.number, g.licence_number, g.valid_from, g.valid_until
            FROM gi_licences g JOIN firms f ON f.id = g.firm_id JOIN ip_assets a ON a.firm_id = g.mark_firm_id AND a.id = g.mark_asset_id
            WHERE g.archived_at IS NULL AND (\(scope.firmIds)::bigint[] IS NULL OR g.firm_id = ANY(\(scope.firmIds)))
            ORDER BY g.id
            """
        for try await (code, mark, number, from, until) in try await client.query(query, logger: logger)
            .decode((String, String, String, CivilDate, CivilDate).self) {
            rows.append([.text(code), .text(mark), .text(number), .date(from), .date(until)])
        }
        return ExportTable(name: "许可 licences", header: Self.headers(.licences, keys), rows: rows)
    }

    /// Loans without a contract number (made through the platform) are written as PLEDGEMATCH-LOAN-<id>,
    /// which an import recognises as that loan.
    func loans(_ scope: ExportScope) async throws -> ExportTable {
        let keys = ["contractNumber", "creditCode", "bankCode", "productCode", "principalFen", "disbursedOn", "maturityOn", "rateBp",
                    "pledgedAssets", "registrationNumber", "registeredOn", "repaidFen", "repaidOn"]
        var rows: [[XLSXCell]] = []
        let query: PostgresQuery = """
            SELECT coalesce(c.contract_number, 'PLEDGEMATCH-LOAN-' || l.id), f.credit_code, b.code, p.code, lb.principal_fen::bigint, l.disbursed_on,
                   l.maturity_on, l.rate_bp,
                   coalesce((SELECT string_agg(a.number, '; ' ORDER BY a.number) FROM pledges pl
                             JOIN pledge_assets pa ON pa.firm_id = pl.firm_id AND pa.pledge_id = pl.id
                             JOIN ip_assets a ON a.firm_id = pa.firm_id AND a.id = pa.asset_id
                             WHERE pl.firm_id = l.firm_id AND pl.application_id = l.application_id), ''),
                   coalesce((SELECT pl.registration_number FROM pledges pl WHERE pl.firm_id = l.firm_id AND pl.application_id = l.application_id
                             ORDER BY pl.id LIMIT 1), ''),
                   (SELECT pl.registered_on FROM pledges pl WHERE pl.firm_id = l.firm_id AND pl.application_id = l.application_id ORDER BY pl.id LIMIT 1),
                   lb.repaid_fen::bigint, lb.last_repaid_on
            FROM loans l JOIN firms f ON f.id = l.firm_id JOIN banks b ON b.id = l.bank_id JOIN loan_products p ON p.id = l.product_id
            JOIN loan_balances lb ON lb.firm_id = l.firm_id AND lb.loan_id = l.id
            LEFT JOIN loan_contracts c ON c.firm_id = l.firm_id AND c.loan_id = l.id
            WHERE (\(scope.bankId)::bigint IS NULL OR l.bank_id = \(scope.bankId))
              AND (\(scope.firmIds)::bigint[] IS NULL OR l.firm_id = ANY(\(scope.firmIds)))
            ORDER BY l.disbursed_on, l.id
            """
        for try await r in try await client.query(query, logger: logger) {
            let c = try r.makeRandomAccess()
            let repaid = try c[11].decode(Int64.self)
            rows.append([.text(try c[0].decode(String.self)), .text(try c[1].decode(String.self)), .text(try c[2].decode(String.self)),
                         .text(try c[3].decode(String.self)), Self.yuan(try c[4].decode(Int64.self)), .date(try c[5].decode(CivilDate.self)),
                         .date(try c[6].decode(CivilDate.self)), .number(ReportSheets.yuan(Int64(try c[7].decode(Int.self))), .general),
                         .text(try c[8].decode(String.self)), .text(try c[9].decode(String.self)), Self.date(try c[10].decode(CivilDate?.self)),
                         Self.yuan(repaid), repaid > 0 ? Self.date(try c[12].decode(CivilDate?.self)) : .empty])
        }
        return ExportTable(name: "贷款 loans", header: Self.headers(.loans, keys), rows: rows)
    }

    /// A finance-bureau report as a workbook: its title, its parameters, the header with units, and
    /// numbers as numbers (amounts #,##0.00, percentages 0.00%, counts 0), not text.
    public static func report(_ sheet: ReportSheet, to url: URL) throws {
        try XLSXWriter.write(reportSheet(sheet), to: url)
    }

    public static func report(_ sheet: ReportSheet) throws -> [UInt8] {
        try XLSXWriter.data(reportSheet(sheet))
    }

    static func reportSheet(_ sheet: ReportSheet) -> XLSXWriter.Sheet {
        var title: [[String]] = [["\(sheet.title.zh) \(sheet.title.en)"]]
        title += sheet.parameters.map { [$0.0, $0.1] }
        let rows: [[XLSXCell]] = sheet.rows.map { row in
            row.enumerated().map { i, v in
                guard sheet.numeric.contains(i), !v.isEmpty else { return v.isEmpty ? .empty : .text(v) }
                if v.hasSuffix("%") {
                    // 45.67% → 0.4567 shown as a percentage.
                    let bp = Normalize.basisPoints(v, headerPercent: true) ?? 0
                    let sign = bp < 0 ? "-" : ""
                    let m = abs(bp)
                    return .number("\(sign)\(m / 10000).\(String(m % 10000 + 10000).dropFirst())", .percent)
                }
                if v.contains(".") { return .number(v, .yuan) }
                return Int(v) != nil ? .number(v, .integer) : .text(v)
            }
        }
        return XLSXWriter.Sheet(name: sheet.title.zh, titleRows: title, header: sheet.header, rows: rows)
    }
}
