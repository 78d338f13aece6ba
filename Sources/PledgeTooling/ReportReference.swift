import Logging
import PledgeCore
import PledgeStore
import PostgresNIO

/// The report figures computed the plain way, straight from loan_entries, with no rollup: the
/// definition the rollups must match. Tests hold the two equal on random data; it is also the
/// baseline the report benchmark compares against.
public struct ReportReference: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) { (self.client, self.logger) = (client, logger) }

    /// The as-of day is written into the SQL as a literal: it is a checked CivilDate, never client text.
    /// The facts of the ledger as it stood at the end of `asOf` (Beijing time): every entry recorded
    /// by then; each loan with a disbursement recorded by then, once, on its disbursement day; each
    /// firm once, on the day of its first such loan (earliest disbursed_on, then lowest id).
    static func facts(_ asOf: CivilDate) -> String {
        """
        WITH cutoff AS (SELECT (('\(asOf.description)'::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS t),
        seen AS (SELECT * FROM loan_entries WHERE recorded_at < (SELECT t FROM cutoff)),
        known AS (SELECT r.* FROM report_loans r
                   WHERE EXISTS (SELECT 1 FROM seen e WHERE e.firm_id = r.firm_id AND e.loan_id = r.loan_id AND e.kind = 'disbursement')),
        firsts AS (SELECT DISTINCT ON (firm_id) * FROM known ORDER BY firm_id, disbursed_on, loan_id),
        facts AS (
            SELECT firm_id, loan_id, effective_on AS day, 0 AS loans,
                   CASE WHEN kind = 'disbursement' THEN amount_fen ELSE 0 END AS principal,
                   CASE WHEN kind = 'repayment' THEN amount_fen ELSE 0 END AS repaid,
                   CASE WHEN kind = 'default' THEN amount_fen ELSE 0 END AS defaulted, 0 AS firms
              FROM seen
            UNION ALL SELECT firm_id, loan_id, disbursed_on, 1, 0, 0, 0, 0 FROM known
            UNION ALL SELECT firm_id, loan_id, disbursed_on, 0, 0, 0, 0, 1 FROM firsts)
        """
    }

    public func flowRows(_ range: ReportRange, dimensions: [ReportDimension]) async throws -> [FlowRow] {
        let dims = ["all"] + dimensions.map(\.rawValue)
        let sql = Self.facts(range.asOf) + """
            SELECT k.dim, k.key, CASE WHEN report_month(f.day) < $1 THEN NULL ELSE report_month(f.day) END,
                   sum(f.loans)::bigint, sum(f.principal)::bigint, sum(f.repaid)::bigint, sum(f.defaulted)::bigint,
                   sum(f.firms)::bigint, 0::bigint
              FROM facts f JOIN report_loans r ON r.firm_id = f.firm_id AND r.loan_id = f.loan_id
             CROSS JOIN LATERAL report_keys(r) k
             WHERE report_month(f.day) <= $2 AND k.dim = ANY($3)
             GROUP BY 1, 2, 3
            """
        var bindings = PostgresBindings()
        bindings.append(range.from.firstDay)
        bindings.append(range.to.firstDay)
        bindings.append(dims)
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        return try await ReportRepository.decodeFlows(rows) + financedRows(range, dimensions: dimensions)
    }

    /// The loan-days of the ledger as it stood at the end of `asOf`: a loan is disbursed on a day when
    /// the net of its disbursement entries dated that day, recorded by then, is positive.
    static func held(_ asOf: CivilDate) -> String {
        """
        WITH held AS (
            SELECT firm_id, loan_id, effective_on FROM loan_entries
             WHERE kind = 'disbursement' AND recorded_at < (('\(asOf.description)'::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
             GROUP BY firm_id, loan_id, effective_on
            HAVING sum(amount_fen) > 0)
        """
    }

    /// 惠及企业 counted plainly: distinct firms with a loan-day in [from, through].
    public func financedFirms(from: CivilDate, through: CivilDate, asOf: CivilDate) async throws -> Int64 {
        var bindings = PostgresBindings()
        bindings.append(from)
        bindings.append(through)
        let rows = try await client.query(PostgresQuery(unsafeSQL: Self.held(asOf) + """
            SELECT count(DISTINCT firm_id) FROM held WHERE effective_on BETWEEN $1 AND $2
            """, binds: bindings), logger: logger)
        for try await n in rows.decode(Int64.self) { return n }
        return 0
    }

    /// 首贷户 counted plainly: firms whose first loan-day in the ledger is in [from, through].
    public func firstTimeFirms(from: CivilDate, through: CivilDate, asOf: CivilDate) async throws -> Int64 {
        var bindings = PostgresBindings()
        bindings.append(from)
        bindings.append(through)
        let rows = try await client.query(PostgresQuery(unsafeSQL: Self.held(asOf) + """
            SELECT count(*) FROM (SELECT firm_id, min(effective_on) AS first FROM held GROUP BY firm_id) f
             WHERE first BETWEEN $1 AND $2
            """, binds: bindings), logger: logger)
        for try await n in rows.decode(Int64.self) { return n }
        return 0
    }

    /// Distinct firms financed per key and month of the series (rows carrying only financedFirms).
    func financedRows(_ range: ReportRange, dimensions: [ReportDimension]) async throws -> [FlowRow] {
        var bindings = PostgresBindings()
        bindings.append(range.from.firstDay)
        bindings.append(range.to.lastDay)
        bindings.append(["all"] + dimensions.map(\.rawValue))
        let rows = try await client.query(PostgresQuery(unsafeSQL: Self.held(range.asOf) + """
            SELECT k.dim, k.key, report_month(h.effective_on), count(DISTINCT h.firm_id)
              FROM held h JOIN report_loans r ON r.firm_id = h.firm_id AND r.loan_id = h.loan_id
             CROSS JOIN LATERAL report_keys(r) k
             WHERE h.effective_on BETWEEN $1 AND $2 AND k.dim = ANY($3)
             GROUP BY 1, 2, 3
            """, binds: bindings), logger: logger)
        var result: [FlowRow] = []
        for try await (dim, key, month, firms) in rows.decode((String, String, CivilDate, Int64).self) {
            result.append(FlowRow(dimension: ReportDimension(rawValue: dim), key: key, month: YearMonth(month),
                                  sums: FlowSums(financedFirms: firms)))
        }
        return result
    }

    /// For each month of the series, the distinct firms financed from `from` through its end.
    public func financedSinceFrom(_ range: ReportRange) async throws -> [YearMonth: Int64] {
        var bindings = PostgresBindings()
        bindings.append(range.from.firstDay)
        bindings.append(range.to.firstDay)
        let rows = try await client.query(PostgresQuery(unsafeSQL: Self.held(range.asOf) + """
            SELECT m::date, (SELECT count(DISTINCT firm_id) FROM held
                              WHERE effective_on >= $1 AND effective_on < m::date + interval '1 month')
              FROM generate_series($1::date, $2::date, interval '1 month') m
            """, binds: bindings), logger: logger)
        var result: [YearMonth: Int64] = [:]
        for try await (month, firms) in rows.decode((CivilDate, Int64).self) { result[YearMonth(month)] = firms }
        return result
    }

    /// Every disbursement entry (originals and corrections), for the core's own count of financed firms.
    public func disbursements() async throws -> [DisbursementFact] {
        let rows = try await client.query("""
            SELECT firm_id, loan_id, effective_on, report_day(recorded_at), amount_fen FROM loan_entries WHERE kind = 'disbursement'
            """, logger: logger)
        var result: [DisbursementFact] = []
        for try await (firm, loan, on, known, amount) in rows.decode((Int64, Int64, CivilDate, CivilDate, Int64).self) {
            result.append(DisbursementFact(firmId: firm, loanId: loan, effectiveOn: on, knownOn: known, amountFen: amount))
        }
        return result
    }

    public func dayTotals(asOf: CivilDate) async throws -> [DayTotals] {
        let sql = Self.facts(asOf) + """
            SELECT day, sum(principal)::bigint, sum(firms)::bigint FROM facts WHERE day <= $1 GROUP BY day ORDER BY day
            """
        var bindings = PostgresBindings()
        bindings.append(asOf)
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        var result: [DayTotals] = []
        for try await (day, principal, firms) in rows.decode((CivilDate, Int64, Int64).self) {
            result.append(DayTotals(day: day, principalFen: principal, newFirms: firms))
        }
        return result
    }
}
