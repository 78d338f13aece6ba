import Logging
import PledgeCore
import PostgresNIO

/// Reads the report rollups (migration 0006) and hands the core what it computes reports from.
/// Every read is bounded by the as-of day: rows whose known day is after it are left out, which is
/// the ledger as it stood at the end of that day in Beijing time.
public struct ReportRepository: StoreBacked {
    /// Through Database, so a request's reads share its one connection.
    package let access: StoreAccess

    public init(client: PostgresClient, logger: Logger) { access = StoreAccess(client, logger: logger) }

    // MARK: Reports

    public func progress(asOf: CivilDate) async throws -> ProgressReport {
        async let sums = targetSums(asOf: asOf)
        async let changes = laterChanges(asOf: asOf)
        return ProgressReport(asOf: asOf, targets: try await sums.map { ProgressCalculator.progress($0.0, asOf: asOf, sums: $0.1) },
                              laterChanges: try await changes)
    }

    public func monthly(_ range: ReportRange, dimensions: [ReportDimension]) async throws -> MonthlyReport {
        async let rows = flowRows(range, dimensions: dimensions)
        async let first = firstFinanced(range)
        async let labels = labels()
        async let changes = laterChanges(asOf: range.asOf)
        return MonthlyReport.build(range: range, dimensions: dimensions, rows: try await rows, firstFinanced: try await first,
                                   labels: try await labels, laterChanges: try await changes)
    }

    public func cost(_ range: ReportRange) async throws -> CostReport {
        async let flows = rateWeightedFlows(asOf: range.asOf, to: range.to)
        async let defaults = flowRows(range, dimensions: [.product])
        async let terms = costTerms()
        async let changes = laterChanges(asOf: range.asOf)
        var byProduct: [Int64: [YearMonth: Fen]] = [:], before: [Int64: Fen] = [:]
        for row in try await defaults where row.dimension == .product {
            guard let product = Int64(row.key) else { continue }
            if let month = row.month { byProduct[product, default: [:]][month, default: 0] += row.sums.defaultedFen }
            else { before[product, default: 0] += row.sums.defaultedFen }
        }
        let months = ProgrammeCost.months(flows: try await flows, defaultsByProduct: byProduct, defaultsBefore: before,
                                          terms: try await terms, from: range.from, to: range.to)
        return CostReport(asOf: range.asOf, from: range.from, to: range.to, months: months, laterChanges: try await changes)
    }

    // MARK: Reads

    public func activeTargets() async throws -> [TargetTerms] {
        let rows = try await client.query("""
            SELECT id, name, baseline_date, deadline, amount_fen, firm_count FROM programme_targets
            WHERE archived_at IS NULL ORDER BY deadline, id
            """, logger: logger)
        var result: [TargetTerms] = []
        for try await (id, name, baseline, deadline, amount, firms) in rows.decode((Int64, String, CivilDate, CivilDate, Int64, Int64).self) {
            result.append(TargetTerms(id: id, name: name, baselineDate: baseline, deadline: deadline, amountFen: amount, firmCount: firms))
        }
        return result
    }

    /// Totals by effective day, up to the as-of day, as known at its end: the known-month rows before
    /// the as-of month and the known-day rows within it.
    static func knownTotals(asOf: CivilDate) -> String {
        let month = asOf.adding(days: 1 - asOf.day)
        return """
            SELECT effective_on, principal_fen, new_firms FROM report_daily_months
             WHERE known_month < '\(month)' AND effective_on <= '\(asOf)'
            UNION ALL
            SELECT effective_on, principal_fen, new_firms FROM report_daily
             WHERE known_on >= '\(month)' AND known_on <= '\(asOf)' AND effective_on <= '\(asOf)'
            """
    }

    /// Principal and new firms per effective day up to the as-of day, as known at its end.
    public func dayTotals(asOf: CivilDate) async throws -> [DayTotals] {
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            SELECT effective_on, sum(principal_fen)::bigint, sum(new_firms)::bigint FROM (\(Self.knownTotals(asOf: asOf))) d
            GROUP BY effective_on ORDER BY effective_on
            """), logger: logger)
        var result: [DayTotals] = []
        for try await (day, principal, firms) in rows.decode((CivilDate, Int64, Int64).self) {
            result.append(DayTotals(day: day, principalFen: principal, newFirms: firms))
        }
        return result
    }

    /// Each active target with its sums from the baseline and over the pace window, in one read.
    /// 惠及企业 and 首贷户 come from `report_financed_firms` and `report_first_financed_firms` (migration 0010):
    /// the firms financed from the baseline to the as-of day, and, for the pace, those financed in the
    /// period before the pace window.
    public func targetSums(asOf: CivilDate) async throws -> [(TargetTerms, TargetSums)] {
        let paceStart = asOf.adding(months: -12).adding(days: 1)
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            WITH d AS (\(Self.knownTotals(asOf: asOf))),
            s AS (
                SELECT t.id, t.name, t.baseline_date, t.deadline, t.amount_fen, t.firm_count::bigint AS firm_count,
                       coalesce(sum(d.principal_fen) FILTER (WHERE d.effective_on >= t.baseline_date), 0)::bigint AS achieved,
                       coalesce(sum(d.principal_fen) FILTER (WHERE d.effective_on >= greatest(t.baseline_date, '\(paceStart)')), 0)::bigint AS pace
                  FROM programme_targets t LEFT JOIN d ON true
                 WHERE t.archived_at IS NULL
                 GROUP BY t.id),
            -- Targets sharing a baseline share its firm counts: each is read once.
            f AS (
                SELECT baseline_date,
                       report_financed_firms(baseline_date, '\(asOf)', '\(asOf)') AS financed,
                       report_first_financed_firms(baseline_date, '\(asOf)', '\(asOf)') AS first_time,
                       report_financed_firms(baseline_date, greatest(baseline_date, '\(paceStart)') - 1, '\(asOf)') AS before_pace
                  FROM (SELECT DISTINCT baseline_date FROM s) b)
            SELECT s.id, s.name, s.baseline_date, s.deadline, s.amount_fen, s.firm_count, s.achieved, s.pace,
                   f.financed, f.first_time, f.before_pace
              FROM s JOIN f USING (baseline_date) ORDER BY s.deadline, s.id
            """), logger: logger)
        var result: [(TargetTerms, TargetSums)] = []
        for try await (id, name, baseline, deadline, amount, firms, achieved, pace, financed, firstTime, financedBefore)
            in rows.decode((Int64, String, CivilDate, CivilDate, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            result.append((TargetTerms(id: id, name: name, baselineDate: baseline, deadline: deadline, amountFen: amount, firmCount: firms),
                           TargetSums(achievedFen: achieved, achievedFirms: financed, firstTimeFirms: firstTime, paceFen: pace,
                                      paceFirms: financed - financedBefore)))
        }
        return result
    }

    /// 惠及企业: the distinct firms financed from one day through another, as the ledger stood at the end of `asOf`.
    public func financedFirms(from: CivilDate, through: CivilDate, asOf: CivilDate) async throws -> Int64 {
        let rows = try await client.query("SELECT report_financed_firms(\(from), \(through), \(asOf))", logger: logger)
        for try await n in rows.decode(Int64.self) { return n }
        return 0
    }

    /// 首贷户: the firms whose first financed day in the ledger falls from one day through another, as
    /// known at the end of `asOf`.
    public func firstTimeFirms(from: CivilDate, through: CivilDate, asOf: CivilDate) async throws -> Int64 {
        let rows = try await client.query("SELECT report_first_financed_firms(\(from), \(through), \(asOf))", logger: logger)
        for try await n in rows.decode(Int64.self) { return n }
        return 0
    }

    /// For each month of the series, the firms financed in it and in no earlier month of the series
    /// (month pairs whose previous financed month is before `from`): their running sum is the distinct
    /// firms financed since `from`.
    public func firstFinanced(_ range: ReportRange) async throws -> [YearMonth: Int64] {
        let asOfMonth = range.asOf.adding(days: 1 - range.asOf.day)
        let rows = try await client.query("""
            SELECT month, sum(firms)::bigint FROM (
                SELECT month, firms FROM report_span_months
                 WHERE month >= \(range.from.firstDay) AND month <= \(range.to.firstDay) AND prev_month < \(range.from.firstDay)
                   AND known_month < \(asOfMonth)
                UNION ALL
                SELECT month, firms FROM report_span_months_daily
                 WHERE known_on >= \(asOfMonth) AND known_on <= \(range.asOf)
                   AND month >= \(range.from.firstDay) AND month <= \(range.to.firstDay) AND prev_month < \(range.from.firstDay)) m
             GROUP BY month
            """, logger: logger)
        var result: [YearMonth: Int64] = [:]
        for try await (month, firms) in rows.decode((CivilDate, Int64).self) where firms != 0 {
            result[YearMonth(month)] = firms
        }
        return result
    }

    /// Sums per key and month through `range.to`; months before `range.from` come back as one row (month nil).
    public func flowRows(_ range: ReportRange, dimensions: [ReportDimension]) async throws -> [FlowRow] {
        let dims = ["all"] + dimensions.map(\.rawValue)
        let asOfMonth = range.asOf.adding(days: 1 - range.asOf.day)
        let rows = try await client.query("""
            SELECT dim, key, CASE WHEN month < \(range.from.firstDay) THEN NULL ELSE month END AS m,
                   sum(loans)::bigint, sum(principal_fen)::bigint, sum(repaid_fen)::bigint, sum(defaulted_fen)::bigint,
                   sum(new_firms)::bigint, sum(financed_firms)::bigint
              FROM (SELECT dim, key, month, loans, principal_fen, repaid_fen, defaulted_fen, new_firms, financed_firms
                      FROM report_month_flows
                     WHERE known_month < \(asOfMonth) AND month <= \(range.to.firstDay) AND dim = ANY(\(dims))
                    UNION ALL
                    SELECT dim, key, month, loans, principal_fen, repaid_fen, defaulted_fen, new_firms, financed_firms
                      FROM report_day_flows
                     WHERE known_on >= \(asOfMonth) AND known_on <= \(range.asOf) AND month <= \(range.to.firstDay)
                       AND dim = ANY(\(dims))) f
             GROUP BY 1, 2, 3
            """, logger: logger)
        return try await Self.decodeFlows(rows)
    }

    public static func decodeFlows(_ rows: PostgresRowSequence) async throws -> [FlowRow] {
        var result: [FlowRow] = []
        for try await (dim, key, month, loans, principal, repaid, defaulted, firms, financed)
            in rows.decode((String, String, CivilDate?, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            // Months before the series come back as one row, where distinct firms do not add up: left out.
            result.append(FlowRow(dimension: ReportDimension(rawValue: dim), key: key, month: month.map(YearMonth.init),
                                  sums: FlowSums(loans: loans, principalFen: principal, repaidFen: repaid,
                                                 defaultedFen: defaulted, newFirms: firms, financedFirms: month == nil ? 0 : financed)))
        }
        return result
    }

    /// Entries recorded after the as-of day that change its figures, and how many of them are corrections.
    public func laterChanges(asOf: CivilDate) async throws -> LaterChanges {
        let month = asOf.adding(days: 1 - asOf.day)
        let monthEnd = YearMonth(asOf).lastDay
        let rows = try await client.query("""
            SELECT (SELECT coalesce(sum(entries), 0)::bigint FROM report_daily_months
                     WHERE known_month > \(month) AND effective_on <= \(asOf))
                 + (SELECT coalesce(sum(entries), 0)::bigint FROM report_daily
                     WHERE known_on > \(asOf) AND known_on <= \(monthEnd) AND effective_on <= \(asOf)),
                   (SELECT count(*) FROM loan_entries
                     WHERE corrects_id IS NOT NULL AND recorded_at >= ((\(asOf)::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
                       AND effective_on <= \(asOf))
            """, logger: logger)
        for try await (entries, corrections) in rows.decode((Int64, Int64).self) {
            return LaterChanges(entries: entries, corrections: corrections)
        }
        return LaterChanges(entries: 0, corrections: 0)
    }

    /// Names of banks, products and industries for the breakdowns.
    public func labels() async throws -> [ReportDimension: [String: Label]] {
        let rows = try await client.query("""
            SELECT 'bank', id::text, name, name FROM banks
            UNION ALL SELECT 'product', id::text, name || '（' || code || '）', name || ' (' || code || ')' FROM loan_products
            UNION ALL SELECT 'industry', code, name_zh, name_en FROM industries
            """, logger: logger)
        var result: [ReportDimension: [String: Label]] = [:]
        for try await (dim, key, zh, en) in rows.decode((String, String, String, String).self) {
            if let d = ReportDimension(rawValue: dim) { result[d, default: [:]][key] = Label(zh, en) }
        }
        return result
    }

    /// Per firm, subsidised product and month: Σ net principal × the loan's rate, from the ledger as
    /// known on the as-of day. Only products with a subsidy are read.
    public func rateWeightedFlows(asOf: CivilDate, to: YearMonth) async throws -> [RateWeightedFlow] {
        let rows = try await client.query("""
            SELECT e.firm_id, l.product_id, report_month(e.effective_on),
                   sum(CASE WHEN e.kind = 'disbursement' THEN e.amount_fen ELSE -e.amount_fen END * l.rate_bp)::bigint
              FROM loan_entries e
              JOIN loans l ON l.firm_id = e.firm_id AND l.id = e.loan_id
              JOIN loan_products p ON p.id = l.product_id
             WHERE p.interest_subsidy_share_bp > 0
               AND e.recorded_at < ((\(asOf)::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
               AND e.effective_on <= \(to.lastDay)
             GROUP BY 1, 2, 3
            """, logger: logger)
        var result: [RateWeightedFlow] = []
        for try await (firm, product, month, weighted) in rows.decode((Int64, Int64, CivilDate, Int64).self) {
            result.append(RateWeightedFlow(firmId: firm, productId: product, month: YearMonth(month), weightedFen: weighted))
        }
        return result
    }

    public func costTerms() async throws -> [Int64: ProductCostTerms] {
        let rows = try await client.query("""
            SELECT id, interest_subsidy_share_bp, subsidy_cap_fen, risk_fund_share_bp FROM loan_products
            """, logger: logger)
        var result: [Int64: ProductCostTerms] = [:]
        for try await (id, share, cap, risk) in rows.decode((Int64, Int?, Int64?, Int?).self) {
            result[id] = ProductCostTerms(productId: id, subsidyShareBp: share.map(Int64.init), subsidyCapFen: cap,
                                          riskFundShareBp: risk.map(Int64.init))
        }
        return result
    }

    /// Recomputes every rollup from the ledger (after a bulk load that bypassed the triggers).
    public func rebuild() async throws {
        try await client.withTransaction(logger: logger) { conn in
            _ = try await conn.run("SELECT report_rebuild()", logger: logger)
            // Kept progress answers are made of the rollups (0015_ledger_notes.sql).
            _ = try await conn.run("SELECT engine_note_change(NULL, NULL, 'report_rollups')", logger: logger)
        }
    }
}
