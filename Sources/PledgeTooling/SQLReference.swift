import Logging
import PledgeCore
import PledgeStore
import PostgresNIO

/// The candidate ranking of one product computed by one SQL query, from the same formulas as the
/// engine (docs/matching.md): gates, capacity and the 0–100 score in hundredths, with integer
/// arithmetic only. It is the yardstick the in-memory index is measured and tested against.
public struct SQLReference: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) { (self.client, self.logger) = (client, logger) }

    public struct Row: Sendable, Equatable {
        public var firmId: Int64
        public var capacityFen: Fen
        public var centiPoints: Int
    }

    /// Eligible firms for `product` as of `asOf` at the product's longest term, best first.
    /// With `firm`, only that firm: its row when it is eligible, none when not.
    public func candidates(product: MatchProduct, asOf: CivilDate, limit: Int, firm: Int64? = nil) async throws -> [Row] {
        let loanEnd = asOf.adding(months: product.maxTermMonths)
        var binds = binds(product.id, asOf, loanEnd, limit)
        binds.append(firm)
        let rows = try await client.query(PostgresQuery(unsafeSQL: Self.sql, binds: binds),
                                          logger: logger)
        var result: [Row] = []
        for try await (firm, capacity, centi) in rows.decode((Int64, Int64, Int).self) {
            result.append(Row(firmId: firm, capacityFen: capacity, centiPoints: centi))
        }
        return result
    }

    private func binds(_ product: Int64, _ d: CivilDate, _ e: CivilDate, _ limit: Int) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(product)
        b.append(d)
        b.append(e)
        b.append(limit)
        return b
    }

    /// Whole months from `a` to `b` (b ≥ a), month ends clamped as CivilDate.adding(months:) does.
    static func wholeMonths(_ a: String, _ b: String) -> String {
        let m0 = "((extract(year from \(b))::int - extract(year from \(a))::int) * 12 + extract(month from \(b))::int - extract(month from \(a))::int)"
        return "(\(m0) - CASE WHEN (\(a) + make_interval(months => \(m0)))::date > \(b) THEN 1 ELSE 0 END)"
    }

    static func wholeYears(_ a: String, _ b: String) -> String {
        "(CASE WHEN \(b) >= \(a) THEN \(wholeMonths(a, b)) / 12 ELSE 0 END)"
    }

    // $1 product, $2 D (as of), $3 E (loan end), $4 limit, $5 one firm or null.
    static let sql = """
        WITH p AS (
            SELECT * FROM loan_products WHERE id = $1
        ), eligible AS (
            SELECT a.firm_id, v.value_fen * t.loan_to_value_bp / 10000 AS lendable,
                   CASE WHEN a.type IN ('invention', 'utility_model', 'design') THEN
                            40 * least(rm.m, st.months) / st.months
                            + least(greatest(coalesce(a.claims, 0), 0), 20) * 15 / 20
                            + least(greatest(coalesce(a.forward_citations, 0), 0), 20)
                            + least(greatest(coalesce(a.family_size, 0), 0), 5) * 2
                            + least(greatest(coalesce(a.licences, 0), 0), 5) * 2
                            + CASE WHEN coalesce(a.litigations, 0) = 0 THEN 5 ELSE 0 END
                        WHEN a.type IN ('trademark', 'gi_collective_mark') THEN
                            least(CASE WHEN a.registration_date IS NULL THEN 0
                                       ELSE \(wholeYears("a.registration_date", "$2::date")) END, 20) * 2
                            + least(greatest(a.renewal_count, 0), 3) * 5
                            + least(cardinality(a.nice_classes), 10) * 2
                            + least(CASE WHEN coalesce(a.first_use_date, a.registration_date) IS NULL THEN 0
                                         ELSE \(wholeYears("coalesce(a.first_use_date, a.registration_date)", "$2::date")) END, 10) * 2
                            + CASE WHEN coalesce(a.litigations, 0) = 0 THEN 5 ELSE 0 END
                        ELSE
                            60 * least(rm.m, 600) / 600
                            + least(greatest(coalesce(a.licences, 0), 0), 5) * 6
                            + CASE WHEN coalesce(a.litigations, 0) = 0 THEN 10 ELSE 0 END
                   END AS points
            FROM p
            JOIN product_ip_terms t ON t.product_id = p.id
            JOIN ip_assets a ON a.type = t.ip_type
            JOIN LATERAL (
                SELECT value_fen, valuation_date, valid_until FROM valuations v
                WHERE v.firm_id = a.firm_id AND v.asset_id = a.id AND v.archived_at IS NULL
                ORDER BY v.valuation_date DESC, v.id DESC LIMIT 1) v ON true
            CROSS JOIN LATERAL (
                SELECT CASE WHEN a.expiry_date IS NOT NULL AND a.expiry_date >= $2::date
                            THEN \(wholeMonths("$2::date", "a.expiry_date")) ELSE 0 END AS m) rm
            CROSS JOIN LATERAL (
                SELECT CASE a.type WHEN 'invention' THEN 240 WHEN 'utility_model' THEN 120
                                   WHEN 'design' THEN CASE WHEN a.filing_date >= date '2021-06-01' THEN 180 ELSE 120 END
                                   WHEN 'copyright' THEN 600 ELSE 120 END AS months) st
            WHERE a.archived_at IS NULL AND ($5::bigint IS NULL OR a.firm_id = $5)
              AND a.legal_status = 'in_force'
              AND (a.expiry_date IS NULL OR a.expiry_date >= $2::date)
              AND NOT EXISTS (SELECT 1 FROM ip_asset_co_owners o
                              WHERE o.firm_id = a.firm_id AND o.asset_id = a.id AND NOT o.consent_to_pledge)
              AND NOT EXISTS (SELECT 1 FROM pledge_assets pa
                              WHERE pa.firm_id = a.firm_id AND pa.asset_id = a.id AND pa.active)
              AND CASE WHEN a.expiry_date IS NULL THEN a.type = 'copyright'
                       ELSE $3::date < a.expiry_date
                            AND ($2::date + make_interval(months => t.min_remaining_life_months))::date <= a.expiry_date END
              AND (a.type NOT IN ('trademark', 'gi_collective_mark')
                   OR (coalesce(a.first_use_date, a.registration_date) + make_interval(years => p.min_trademark_use_years))::date <= $2::date)
              AND v.valid_until >= $2::date
              AND (v.valuation_date + make_interval(months => p.valuation_validity_months))::date >= $2::date
        ), per_firm AS (
            SELECT firm_id, count(*)::int AS n, sum(lendable)::bigint AS uncapped, max(points) AS best
            FROM eligible GROUP BY firm_id
        ), scored AS (
            SELECT f.id AS firm_id, least(pf.uncapped, p.max_amount_fen) AS capacity,
                   p.weight_ip_value * ((7 * pf.best + 3 * least(pf.n, 10) * 10) / 10)
                   + p.weight_coverage * (CASE WHEN pf.uncapped >= p.max_amount_fen THEN 100
                                               ELSE (pf.uncapped * 100 / p.max_amount_fen)::int END)
                   + p.weight_firm_strength * least(
                        CASE WHEN f.rd_expense_fen IS NOT NULL AND f.annual_revenue_fen > 0
                             THEN least(greatest(f.rd_expense_fen, 0) * 10000 / f.annual_revenue_fen / 20, 30)::int ELSE 0 END
                        + least(\(wholeYears("f.founded_on", "$2::date")), 10) * 2
                        + CASE WHEN f.annual_revenue_fen IS NULL THEN 0 WHEN f.annual_revenue_fen >= 10000000000 THEN 20
                               WHEN f.annual_revenue_fen >= 2000000000 THEN 14 WHEN f.annual_revenue_fen >= 500000000 THEN 8 ELSE 3 END
                        + (CASE WHEN f.high_tech THEN 10 ELSE 0 END) + (CASE WHEN f.specialized THEN 10 ELSE 0 END)
                        + (CASE WHEN f.ip_demonstration THEN 10 ELSE 0 END), 100)
                   + p.weight_strategic_fit * least(
                        (CASE WHEN i.priority THEN 50 ELSE 0 END)
                        + (CASE WHEN f.industry_code IN ('food_processing', 'characteristic_agriculture') THEN 20 ELSE 0 END)
                        + (CASE WHEN f.high_tech THEN 15 ELSE 0 END) + (CASE WHEN f.specialized THEN 15 ELSE 0 END), 100)
                   + p.weight_risk * (CASE WHEN f.bad_credit THEN 0
                        WHEN f.total_assets_fen IS NULL OR f.total_liabilities_fen IS NULL OR f.total_assets_fen <= 0 THEN 50
                        ELSE (SELECT CASE WHEN r <= 40 THEN 100 WHEN r >= 90 THEN 0 ELSE 100 - (r - 40) * 2 END
                              FROM (SELECT least(greatest(f.total_liabilities_fen, 0) * 100 / f.total_assets_fen, 1000)::int AS r) x)
                        END) AS centi
            FROM per_firm pf
            JOIN firms f ON f.id = pf.firm_id
            JOIN industries i ON i.code = f.industry_code
            CROSS JOIN p
            WHERE f.archived_at IS NULL
              AND NOT f.bad_credit AND \(MatchingRepository.defaultedLoans("f")) = 0
              AND (f.founded_on + make_interval(years => p.min_years_operating))::date <= $2::date
              AND (cardinality(p.eligible_industries) = 0 OR f.industry_code = ANY (p.eligible_industries))
              AND least(pf.uncapped, p.max_amount_fen) >= p.min_amount_fen
              AND p.max_term_months BETWEEN p.min_term_months AND p.max_term_months
        )
        SELECT firm_id, capacity, centi FROM scored
        ORDER BY centi DESC, capacity DESC, firm_id
        LIMIT $4
        """
}
