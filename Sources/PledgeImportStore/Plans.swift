import Logging
import PledgeCore
import PledgeImport
import PledgeStore
import PostgresNIO

// Each plan: the staging table, how a row is written to it, the database's checks, and one
// set-based merge on the natural key. An update bumps the version (optimistic concurrency) and
// merge writes one audit row per changed record set-wise in the same statement (0014_bulk_audit.sql):
// for an update the row the audit trigger (0005_audit.sql) writes for an API write, for an insert a
// row without the images (the record's own row is its "after"; AuditRepository.history shows it).

struct FirmPlan: MergePlan {
    static let target = "firms"
    static let stagingColumns = """
        line integer PRIMARY KEY, credit_code text, name text, industry_code text, town text, size text, founded_on date,
        annual_revenue_fen bigint, rd_expense_fen bigint, total_assets_fen bigint, total_liabilities_fen bigint, employees integer,
        high_tech boolean, specialized boolean, ip_demonstration boolean, bad_credit boolean, known boolean NOT NULL DEFAULT false
        """
    static let copyColumns = ["line", "credit_code", "name", "industry_code", "town", "size", "founded_on", "annual_revenue_fen",
                              "rd_expense_fen", "total_assets_fen", "total_liabilities_fen", "employees", "high_tech", "specialized",
                              "ip_demonstration", "bad_credit"]
    static let checks: [StagingCheck] = []
    static let markKnown: String? = """
        UPDATE import_firms s SET known = true WHERE EXISTS (SELECT 1 FROM firms f WHERE f.credit_code = s.credit_code)
        """
    static let updatable: [Updatable] = [
        .init("name"), .init("industry_code"), .init("town"), .init("size"), .init("founded_on"),
        .init("annual_revenue_fen", ["annualRevenueFen"]), .init("rd_expense_fen", ["rdExpenseFen"]),
        .init("total_assets_fen", ["totalAssetsFen"]), .init("total_liabilities_fen", ["totalLiabilitiesFen"]),
        .init("employees", ["employees"]), .init("high_tech", ["highTech"]), .init("specialized", ["specialized"]),
        .init("ip_demonstration", ["ipDemonstration"]), .init("bad_credit", ["badCredit"]),
    ]

    func write(_ f: FirmFields, into r: inout CopyRows) {
        r.text(f.creditCode); r.text(f.name); r.text(f.industryCode); r.text(f.town); r.text(f.size.rawValue); r.date(f.foundedOn)
        r.int(f.annualRevenueFen); r.int(f.rdExpenseFen); r.int(f.totalAssetsFen); r.int(f.totalLiabilitiesFen); r.int(f.employees)
        r.bool(f.highTech); r.bool(f.specialized); r.bool(f.ipDemonstration); r.bool(f.badCredit)
    }

    func merge(_ conn: PostgresConnection, columns: Set<String>, actor: String, logger: Logger) async throws -> (inserted: Int, updated: Int) {
        let cols = Self.updated(Self.updatable, present: columns)
        return try await Self.counts(conn, Self.mergeStatement("""
            upd AS (
                UPDATE firms f SET \(Self.assignments(cols)), version = f.version + 1, updated_at = now()
                FROM import_firms s JOIN firms o ON o.credit_code = s.credit_code
                WHERE s.known AND f.id = o.id
                  AND \(Self.differs("f", cols))
                RETURNING f.id, \(Self.images("o", "f"))),
            ins AS (
                INSERT INTO firms (\(Self.insertColumns))
                SELECT \(Self.insertColumns) FROM import_firms s WHERE NOT s.known ORDER BY s.line
                RETURNING id, NULL::bigint AS firm_id)
            """, entity: "firm", table: "firms",
            changed: "SELECT id AS firm_id, NULL::bigint AS asset_id FROM upd UNION ALL SELECT id, NULL FROM ins"), logger: logger)
    }
}

struct AssetPlan: MergePlan {
    static let target = "ip_assets"
    static let notesByFirm = true
    static let stagingColumns = """
        line integer PRIMARY KEY, firm_id bigint, type text, number text, title text, filing_date date, grant_date date,
        registration_date date, first_use_date date, expiry_date date, renewal_count integer, legal_status text,
        ipc_classes text[], nice_classes smallint[], claims integer, forward_citations integer, family_size integer,
        licences integer, litigations integer, known boolean NOT NULL DEFAULT false, stored_firm_id bigint
        """
    static let copyColumns = ["line", "firm_id", "type", "number", "title", "filing_date", "grant_date", "registration_date",
                              "first_use_date", "expiry_date", "renewal_count", "legal_status", "ipc_classes", "nice_classes",
                              "claims", "forward_citations", "family_size", "licences", "litigations"]
    static let checks: [StagingCheck] = [
        // The stored asset's firm, as `markKnown` found it.
        StagingCheck(code: "owned_by_another_firm", column: "number", sql: """
            SELECT s.line, s.number, f.credit_code || ' ' || f.name FROM import_assets s JOIN firms f ON f.id = s.stored_firm_id
            WHERE s.known AND s.stored_firm_id <> s.firm_id ORDER BY s.line
            """,
            zh: { "该知识产权已登记在另一企业名下（\($0)）；权利转移请通过接口办理" },
            en: { "This asset is registered to another firm (\($0)); record a transfer through the API" }),
    ]
    /// Also keeps the stored asset's firm, so the check for an asset of another firm does not look
    /// every staged asset up again.
    static let markKnown: String? = """
        UPDATE import_assets s SET known = true, stored_firm_id = a.firm_id FROM ip_assets a WHERE a.type = s.type AND a.number = s.number
        """
    static let updatable: [Updatable] = [
        .init("title"), .init("filing_date", ["filingDate"]), .init("grant_date", ["grantDate"]),
        .init("registration_date", ["registrationDate", "term"]), .init("first_use_date", ["firstUseDate"]), .init("expiry_date"),
        .init("renewal_count", ["renewalCount", "term"]), .init("legal_status"), .init("ipc_classes", ["ipcClasses", "classes"]),
        .init("nice_classes", ["niceClasses", "classes"]), .init("claims", ["claims"]), .init("forward_citations", ["forwardCitations"]),
        .init("family_size", ["familySize"]), .init("licences", ["licences"]), .init("litigations", ["litigations"]),
    ]

    func write(_ row: AssetRow, into r: inout CopyRows) {
        let a = row.fields
        r.int(a.firmId); r.text(a.type.rawValue); r.text(a.number); r.text(a.title); r.date(a.filingDate); r.date(a.grantDate)
        r.date(a.registrationDate); r.date(a.firstUseDate); r.date(a.expiryDate); r.int(a.renewalCount); r.text(a.legalStatus.rawValue)
        r.textArray(a.ipcClasses); r.intArray(a.niceClasses); r.int(a.indicators.claims); r.int(a.indicators.forwardCitations)
        r.int(a.indicators.familySize); r.int(a.indicators.licences); r.int(a.indicators.litigations)
    }

    func merge(_ conn: PostgresConnection, columns: Set<String>, actor: String, logger: Logger) async throws -> (inserted: Int, updated: Int) {
        let cols = Self.updated(Self.updatable, present: columns)
        return try await Self.counts(conn, Self.mergeStatement("""
            upd AS (
                UPDATE ip_assets a SET \(Self.assignments(cols)), version = a.version + 1, updated_at = now()
                FROM import_assets s JOIN ip_assets o ON o.type = s.type AND o.number = s.number AND o.firm_id = s.firm_id
                WHERE s.known AND a.firm_id = o.firm_id AND a.id = o.id
                  AND \(Self.differs("a", cols))
                RETURNING a.firm_id, a.id, \(Self.images("o", "a"))),
            ins AS (
                INSERT INTO ip_assets (\(Self.insertColumns))
                SELECT \(Self.insertColumns) FROM import_assets s WHERE NOT s.known ORDER BY s.line
                RETURNING id, firm_id)
            """, entity: "asset", table: "ip_assets",
            changed: "SELECT firm_id, id AS asset_id FROM upd UNION ALL SELECT firm_id, id FROM ins"), logger: logger)
    }
}

struct ValuationPlan: MergePlan {
    static let target = "valuations"
    static let notesByFirm = true
    static let stagingColumns = """
        line integer PRIMARY KEY, asset_type text, asset_number text, appraiser text, method text, value_fen bigint,
        valuation_date date, valid_until date, report_number text, known boolean NOT NULL DEFAULT false
        """
    static let copyColumns = ["line", "asset_type", "asset_number", "appraiser", "method", "value_fen", "valuation_date",
                              "valid_until", "report_number"]
    static let checks: [StagingCheck] = [
        StagingCheck(code: "unknown_asset", column: "assetNumber", sql: """
            SELECT s.line, s.asset_number, s.asset_type FROM import_valuations s
            WHERE NOT EXISTS (SELECT 1 FROM ip_assets a WHERE a.type = s.asset_type AND a.number = s.asset_number) ORDER BY s.line
            """,
            zh: { "没有该类型（\(IPType(rawValue: $0)?.label.zh ?? $0)）和编号的知识产权，请先导入知识产权" },
            en: { "No \(IPType(rawValue: $0)?.label.en ?? $0) has this number; import the asset first" }),
        StagingCheck(code: "report_of_another_asset", column: "reportNumber", sql: """
            SELECT s.line, s.report_number, a2.type || ' ' || a2.number FROM import_valuations s
            JOIN valuations v ON v.appraiser = s.appraiser AND v.report_number = s.report_number
            JOIN ip_assets a2 ON a2.firm_id = v.firm_id AND a2.id = v.asset_id
            WHERE a2.type <> s.asset_type OR a2.number <> s.asset_number ORDER BY s.line
            """,
            zh: { "该评估机构的这一报告编号已登记为另一知识产权（\($0)）的评估" },
            en: { "This appraiser's report number is already recorded for another asset (\($0))" }),
    ]

    static let markKnown: String? = """
        UPDATE import_valuations s SET known = true
        WHERE EXISTS (SELECT 1 FROM valuations v WHERE v.appraiser = s.appraiser AND v.report_number = s.report_number)
        """

    func write(_ row: ValuationRow, into r: inout CopyRows) {
        let v = row.fields
        r.text(row.assetType.rawValue); r.text(row.assetNumber); r.text(v.appraiser); r.text(v.method.rawValue); r.int(v.valueFen)
        r.date(v.valuationDate); r.date(v.validUntil); r.text(v.reportNumber)
    }

    func merge(_ conn: PostgresConnection, columns: Set<String>, actor: String, logger: Logger) async throws -> (inserted: Int, updated: Int) {
        try await Self.counts(conn, Self.mergeStatement("""
            src AS (
                SELECT s.*, a.firm_id, a.id AS asset_id FROM import_valuations s
                JOIN ip_assets a ON a.type = s.asset_type AND a.number = s.asset_number),
            upd AS (
                UPDATE valuations v SET method = s.method, value_fen = s.value_fen, valuation_date = s.valuation_date,
                       valid_until = s.valid_until, version = v.version + 1, updated_at = now()
                FROM src s JOIN valuations o ON o.appraiser = s.appraiser AND o.report_number = s.report_number
                WHERE s.known AND v.firm_id = o.firm_id AND v.id = o.id
                  AND (v.method, v.value_fen, v.valuation_date, v.valid_until) IS DISTINCT FROM (s.method, s.value_fen, s.valuation_date, s.valid_until)
                RETURNING v.firm_id, v.asset_id, \(Self.images("o", "v"))),
            ins AS (
                INSERT INTO valuations (firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number)
                SELECT firm_id, asset_id, appraiser, method, value_fen, valuation_date, valid_until, report_number FROM src s
                WHERE NOT s.known ORDER BY s.line
                RETURNING id, firm_id, asset_id)
            """, entity: "valuation", table: "valuations",
            changed: "SELECT firm_id, asset_id FROM upd UNION ALL SELECT firm_id, asset_id FROM ins"), logger: logger)
    }
}

struct LicencePlan: MergePlan {
    static let target = "gi_licences"
    static let stagingColumns = """
        line integer PRIMARY KEY, firm_id bigint, mark_number text, licence_number text, valid_from date, valid_until date,
        known boolean NOT NULL DEFAULT false
        """
    static let copyColumns = ["line", "firm_id", "mark_number", "licence_number", "valid_from", "valid_until"]
    static let checks: [StagingCheck] = [
        StagingCheck(code: "unknown_mark", column: "markNumber", sql: """
            SELECT s.line, s.mark_number, NULL::text FROM import_licences s
            WHERE NOT EXISTS (SELECT 1 FROM ip_assets a WHERE a.type = 'gi_collective_mark' AND a.number = s.mark_number) ORDER BY s.line
            """,
            zh: { _ in "没有该注册号的地理标志集体商标，请先导入该商标" },
            en: { _ in "No geographical-indication collective mark has this number; import the mark first" }),
        StagingCheck(code: "own_mark", column: "creditCode", sql: """
            SELECT s.line, s.mark_number, NULL::text FROM import_licences s
            JOIN ip_assets a ON a.type = 'gi_collective_mark' AND a.number = s.mark_number WHERE a.firm_id = s.firm_id ORDER BY s.line
            """,
            zh: { _ in "商标持有人不能作为自己商标的被许可人" }, en: { _ in "The mark's holder cannot be its own licensee" }),
        StagingCheck(code: "licence_of_another_firm", column: "licenceNumber", sql: """
            SELECT s.line, s.licence_number, f.credit_code FROM import_licences s
            JOIN ip_assets a ON a.type = 'gi_collective_mark' AND a.number = s.mark_number
            JOIN gi_licences g ON g.mark_asset_id = a.id AND g.licence_number = s.licence_number
            JOIN firms f ON f.id = g.firm_id
            WHERE g.firm_id <> s.firm_id ORDER BY s.line
            """,
            zh: { "该许可编号已登记给另一企业（\($0)）" }, en: { "This licence number is recorded for another firm (\($0))" }),
    ]

    static let markKnown: String? = """
        UPDATE import_licences s SET known = true
        WHERE EXISTS (SELECT 1 FROM gi_licences g JOIN ip_assets a ON a.id = g.mark_asset_id
                      WHERE a.type = 'gi_collective_mark' AND a.number = s.mark_number AND g.licence_number = s.licence_number)
        """

    func write(_ row: LicenceRow, into r: inout CopyRows) {
        r.int(row.fields.firmId); r.text(row.markNumber); r.text(row.fields.licenceNumber); r.date(row.fields.validFrom); r.date(row.fields.validUntil)
    }

    func merge(_ conn: PostgresConnection, columns: Set<String>, actor: String, logger: Logger) async throws -> (inserted: Int, updated: Int) {
        try await Self.counts(conn, Self.mergeStatement("""
            src AS (
                SELECT s.*, a.firm_id AS mark_firm_id, a.id AS mark_asset_id FROM import_licences s
                JOIN ip_assets a ON a.type = 'gi_collective_mark' AND a.number = s.mark_number),
            upd AS (
                UPDATE gi_licences g SET valid_from = s.valid_from, valid_until = s.valid_until
                FROM src s JOIN gi_licences o ON o.mark_asset_id = s.mark_asset_id AND o.licence_number = s.licence_number AND o.firm_id = s.firm_id
                WHERE s.known AND g.firm_id = o.firm_id AND g.id = o.id
                  AND (g.valid_from, g.valid_until) IS DISTINCT FROM (s.valid_from, s.valid_until)
                RETURNING g.firm_id, g.mark_firm_id, \(Self.images("o", "g"))),
            ins AS (
                INSERT INTO gi_licences (firm_id, mark_firm_id, mark_asset_id, licence_number, valid_from, valid_until)
                SELECT firm_id, mark_firm_id, mark_asset_id, licence_number, valid_from, valid_until FROM src s
                WHERE NOT s.known ORDER BY s.line
                RETURNING id, firm_id, mark_firm_id)
            """, entity: "licence", table: "gi_licences",
            changed: """
                SELECT x.firm_id, NULL::bigint AS asset_id
                FROM (SELECT firm_id, mark_firm_id FROM upd UNION ALL SELECT firm_id, mark_firm_id FROM ins) l
                CROSS JOIN LATERAL (VALUES (l.firm_id), (l.mark_firm_id)) AS x (firm_id)
                """), logger: logger)
    }
}
