import Logging
import PledgeCore
import PledgeImport
import PledgeStore
import PostgresNIO

/// Historical loans enter the ledger as they were: an application already disbursed (or repaid),
/// its pledge with its registration, the loan, a disbursement entry on the real disbursement day and
/// a repayment entry for what was repaid by the last repayment date. Entries carry their real dates
/// as effective dates and are recorded as of those days (recorded_at), so the monthly series and
/// the progress reports, as of any day, count them where the programme's own records did.
/// A loan already imported (same firm, bank and contract number) is never changed: a file that
/// shows more repaid adds a repayment entry for the difference, and anything else different is refused.
struct LoanPlan: MergePlan {
    static let target = "loans"
    static let stagingColumns = """
        line integer PRIMARY KEY, contract_number text, firm_id bigint, bank_code text, product_code text, principal_fen bigint,
        disbursed_on date, maturity_on date, rate_bp integer, pledged text[], registration_number text, registered_on date,
        repaid_fen bigint, repaid_on date
        """
    static let copyColumns = ["line", "contract_number", "firm_id", "bank_code", "product_code", "principal_fen", "disbursed_on",
                              "maturity_on", "rate_bp", "pledged", "registration_number", "registered_on", "repaid_fen", "repaid_on"]

    /// A staged loan with its bank, product and the loan it already is, if any.
    static let resolved = """
        SELECT s.*, b.id AS bank_id, p.id AS product_id, coalesce(c.loan_id, own.id) AS existing_loan
        FROM import_loans s
        JOIN banks b ON b.code = s.bank_code
        JOIN loan_products p ON p.bank_id = b.id AND p.code = s.product_code
        LEFT JOIN loan_contracts c ON c.firm_id = s.firm_id AND c.bank_id = b.id AND c.contract_number = s.contract_number
        -- A loan made on the platform, as an export names it (PLEDGEMATCH-LOAN-<id>).
        LEFT JOIN loans own ON s.contract_number ~ '^PLEDGEMATCH-LOAN-[0-9]{1,18}$'
             AND own.id = substring(s.contract_number FROM 18)::bigint AND own.firm_id = s.firm_id AND own.bank_id = b.id
        """

    /// Loans are few; their rows' own triggers note them in the engine's log.
    static let notesEngineChanges = false

    static let checks: [StagingCheck] = [
        StagingCheck(code: "unknown_bank", column: "bankCode", sql: """
            SELECT s.line, s.bank_code, NULL::text FROM import_loans s
            WHERE NOT EXISTS (SELECT 1 FROM banks b WHERE b.code = s.bank_code) ORDER BY s.line
            """,
            zh: { _ in "没有该代码的银行" }, en: { _ in "No bank has this code" }),
        StagingCheck(code: "unknown_product", column: "productCode", sql: """
            SELECT s.line, s.product_code, s.bank_code FROM import_loans s JOIN banks b ON b.code = s.bank_code
            WHERE NOT EXISTS (SELECT 1 FROM loan_products p WHERE p.bank_id = b.id AND p.code = s.product_code) ORDER BY s.line
            """,
            zh: { "银行 \($0) 没有该代码的贷款产品" }, en: { "Bank \($0) has no loan product with this code" }),
        StagingCheck(code: "unknown_pledged_asset", column: "pledgedAssets", sql: """
            SELECT s.line, p.number, NULL::text FROM import_loans s CROSS JOIN LATERAL unnest(s.pledged) AS p(number)
            WHERE NOT EXISTS (SELECT 1 FROM ip_assets a WHERE a.firm_id = s.firm_id AND a.number = p.number) ORDER BY s.line
            """,
            zh: { _ in "借款企业名下没有该编号的知识产权，请先导入知识产权" },
            en: { _ in "The borrower holds no asset with this number; import the asset first" }),
        StagingCheck(code: "asset_already_pledged", column: "pledgedAssets", sql: """
            SELECT r.line, a.number, NULL::text FROM (\(resolved)) r CROSS JOIN LATERAL unnest(r.pledged) AS p(number)
            JOIN ip_assets a ON a.firm_id = r.firm_id AND a.number = p.number
            JOIN pledge_assets pa ON pa.firm_id = a.firm_id AND pa.asset_id = a.id AND pa.active
            WHERE r.existing_loan IS NULL AND r.repaid_fen < r.principal_fen ORDER BY r.line
            """,
            zh: { _ in "该知识产权已在另一笔未结清贷款中质押" }, en: { _ in "This asset is already pledged for another loan that is not repaid" }),
        StagingCheck(code: "loan_differs", column: "contractNumber", sql: """
            SELECT r.line, r.contract_number,
                   l.disbursed_on || ' ' || b.principal_fen || ' ' || l.maturity_on || ' ' || l.rate_bp
            FROM (\(resolved)) r JOIN loans l ON l.firm_id = r.firm_id AND l.id = r.existing_loan
            JOIN loan_balances b ON b.firm_id = l.firm_id AND b.loan_id = l.id
            WHERE (l.disbursed_on, b.principal_fen, l.maturity_on, l.rate_bp, l.product_id)
                  IS DISTINCT FROM (r.disbursed_on, r.principal_fen, r.maturity_on, r.rate_bp, r.product_id)
            ORDER BY r.line
            """,
            zh: { "该合同的贷款已登记且条款不同（放款日 本金(分) 到期日 利率(基点)：\($0)）；贷款记录不可修改，请通过接口登记更正" },
            en: { "This contract's loan is recorded with other terms (disbursed, principal in fen, maturity, rate in bp: \($0)); loans are never changed: record a correction through the API" }),
        StagingCheck(code: "repaid_decreased", column: "repaidFen", sql: """
            SELECT r.line, r.repaid_fen::text, b.repaid_fen::text FROM (\(resolved)) r
            JOIN loan_balances b ON b.firm_id = r.firm_id AND b.loan_id = r.existing_loan
            WHERE r.repaid_fen < b.repaid_fen ORDER BY r.line
            """,
            zh: { "已还本金少于已登记的 \($0) 分；还款记录不可撤销，请通过接口登记更正" },
            en: { "Less repaid than the \($0) fen already recorded; repayments are not undone: record a correction through the API" }),
    ]

    func write(_ l: LoanRow, into r: inout CopyRows) {
        r.text(l.contractNumber); r.int(l.firmId); r.text(l.bankCode); r.text(l.productCode); r.int(l.principalFen)
        r.date(l.terms.disbursedOn); r.date(l.terms.maturityOn); r.int(l.terms.rateBp); r.textArray(l.pledgedNumbers)
        r.text(l.terms.registrationNumber); r.date(l.terms.registeredOn); r.int(l.repaidFen); r.date(l.repaidOn)
    }

    func merge(_ conn: PostgresConnection, columns: Set<String>, actor: String, logger: Logger) async throws -> (inserted: Int, updated: Int) {
        func run(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws {
            _ = try await conn.run(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
        var actorBind = PostgresBindings()
        actorBind.append(actor)
        // New loans, each with its ids drawn now so every table below can name them.
        try await run("""
            CREATE TEMP TABLE import_loans_new ON COMMIT DROP AS
            SELECT r.*, r.repaid_fen = r.principal_fen AS cleared,
                   nextval(pg_get_serial_sequence('applications', 'id')) AS application_id,
                   nextval(pg_get_serial_sequence('pledges', 'id')) AS pledge_id,
                   nextval(pg_get_serial_sequence('loans', 'id')) AS loan_id,
                   ((r.disbursed_on + time '10:00') AT TIME ZONE 'Asia/Shanghai') AS disbursed_at
            FROM (\(Self.resolved)) r WHERE r.existing_loan IS NULL
            """)
        try await run("""
            INSERT INTO applications (id, firm_id, bank_id, product_id, amount_fen, term_months, state, note)
            SELECT application_id, firm_id, bank_id, product_id, principal_fen,
                   least(360, greatest(1, (extract(year FROM age(maturity_on, disbursed_on)) * 12
                                           + extract(month FROM age(maturity_on, disbursed_on))
                                           + CASE WHEN extract(day FROM age(maturity_on, disbursed_on)) > 0 THEN 1 ELSE 0 END)::integer)),
                   CASE WHEN cleared THEN 'repaid' ELSE 'disbursed' END, '导入的历史贷款 imported loan ' || contract_number
            FROM import_loans_new ORDER BY line
            """)
        try await run("""
            INSERT INTO application_assets (firm_id, application_id, asset_id)
            SELECT DISTINCT n.firm_id, n.application_id, a.id FROM import_loans_new n CROSS JOIN LATERAL unnest(n.pledged) AS p(number)
            JOIN ip_assets a ON a.firm_id = n.firm_id AND a.number = p.number
            """)
        try await run("""
            INSERT INTO application_transitions (firm_id, application_id, seq, action, from_state, to_state, actor, reason)
            SELECT firm_id, application_id, 1, 'import', NULL, CASE WHEN cleared THEN 'repaid' ELSE 'disbursed' END, $1,
                   '导入历史贷款（合同 ' || contract_number || '） imported from the loan records' FROM import_loans_new
            """, actorBind)
        try await run("""
            INSERT INTO pledges (id, firm_id, application_id, registration_number, registered_on, secured_amount_fen, status, released_on)
            SELECT pledge_id, firm_id, application_id, registration_number, registered_on, principal_fen,
                   CASE WHEN cleared THEN 'released' ELSE 'active' END,
                   CASE WHEN cleared THEN greatest(repaid_on, registered_on) END
            FROM import_loans_new
            """)
        try await run("""
            INSERT INTO pledge_assets (firm_id, pledge_id, asset_id, active)
            SELECT DISTINCT n.firm_id, n.pledge_id, a.id, NOT n.cleared FROM import_loans_new n CROSS JOIN LATERAL unnest(n.pledged) AS p(number)
            JOIN ip_assets a ON a.firm_id = n.firm_id AND a.number = p.number
            """)
        try await run("""
            INSERT INTO loans (id, firm_id, application_id, bank_id, product_id, disbursed_at, maturity_on, rate_bp, recorded_by)
            SELECT loan_id, firm_id, application_id, bank_id, product_id, disbursed_at, maturity_on, rate_bp, $1
            FROM import_loans_new ORDER BY disbursed_on, line
            """, actorBind)
        try await run("""
            INSERT INTO loan_contracts (firm_id, bank_id, contract_number, loan_id)
            SELECT firm_id, bank_id, contract_number, loan_id FROM import_loans_new
            """)
        try await run("""
            INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, actor, recorded_at)
            SELECT firm_id, loan_id, 'disbursement', principal_fen, disbursed_on, $1, least(now(), disbursed_at)
            FROM import_loans_new ORDER BY disbursed_on, line
            """, actorBind)
        try await run("""
            INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, actor, recorded_at)
            SELECT firm_id, loan_id, 'repayment', repaid_fen, repaid_on, $1,
                   least(now(), (repaid_on + time '10:00') AT TIME ZONE 'Asia/Shanghai')
            FROM import_loans_new WHERE repaid_fen > 0 ORDER BY repaid_on, line
            """, actorBind)
        // Loans already imported whose file shows more repaid: one repayment entry for the difference.
        try await run("""
            CREATE TEMP TABLE import_loans_repaid ON COMMIT DROP AS
            SELECT r.line, r.firm_id, r.existing_loan AS loan_id, r.repaid_fen - b.repaid_fen AS amount_fen, r.repaid_on,
                   r.repaid_fen = b.principal_fen AS cleared, l.application_id
            FROM (\(Self.resolved)) r JOIN loan_balances b ON b.firm_id = r.firm_id AND b.loan_id = r.existing_loan
            JOIN loans l ON l.firm_id = r.firm_id AND l.id = r.existing_loan
            WHERE r.repaid_fen > b.repaid_fen
            """)
        try await run("""
            INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, actor, recorded_at)
            SELECT firm_id, loan_id, 'repayment', amount_fen, repaid_on, $1, now() FROM import_loans_repaid ORDER BY repaid_on, line
            """, actorBind)
        try await run("""
            INSERT INTO application_transitions (firm_id, application_id, seq, action, from_state, to_state, actor, reason)
            SELECT a.firm_id, a.id, (SELECT max(seq) + 1 FROM application_transitions t WHERE t.firm_id = a.firm_id AND t.application_id = a.id),
                   'settle', a.state, 'repaid', $1, '导入的还款记录结清 settled by imported repayments'
            FROM applications a JOIN import_loans_repaid r ON r.firm_id = a.firm_id AND r.application_id = a.id
            WHERE r.cleared AND a.state = 'disbursed'
            """, actorBind)
        try await run("""
            UPDATE applications a SET state = 'repaid', version = a.version + 1, updated_at = now()
            FROM import_loans_repaid r WHERE r.firm_id = a.firm_id AND r.application_id = a.id AND r.cleared AND a.state = 'disbursed'
            """)
        try await run("""
            UPDATE pledges p SET status = 'released', released_on = greatest(r.repaid_on, p.registered_on)
            FROM import_loans_repaid r WHERE r.firm_id = p.firm_id AND r.application_id = p.application_id AND r.cleared AND p.status = 'active'
            """)
        try await run("""
            UPDATE pledge_assets pa SET active = false
            FROM import_loans_repaid r JOIN pledges p ON p.firm_id = r.firm_id AND p.application_id = r.application_id
            WHERE r.cleared AND pa.firm_id = p.firm_id AND pa.pledge_id = p.id AND pa.active
            """)
        return try await Self.counts(conn, """
            SELECT (SELECT count(*) FROM import_loans_new)::integer, (SELECT count(*) FROM import_loans_repaid)::integer
            """, logger: logger)
    }
}
